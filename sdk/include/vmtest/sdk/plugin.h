/*
 * vmtest plugin ABI: the only contract between the vmtest host and a plugin.
 *
 * A plugin is a shared object that exports one C function,
 * `vmtest_plugin_entry`, returning a pointer to a static descriptor. The
 * descriptor says what the plugin is (kind, name, version), which ABI it was
 * built against, and holds the function table the host calls.
 *
 * Rules that keep old plugins loading as the ABI grows:
 *  - Every struct starts with `struct_size`. Fields are only ever appended;
 *    a reader treats a field beyond `struct_size` as absent (NULL / 0).
 *  - ABI major changes break compatibility; the host refuses a plugin whose
 *    major differs from its own, or whose minor is newer than its own.
 *  - Structured data crosses the boundary as UTF-8 JSON text (schemas in
 *    sdk/README.md). Unknown JSON members are ignored by both sides, so
 *    members can be added in a minor version.
 *  - Since 1.1, a string member `x` whose bytes are not UTF-8 (a path, an
 *    argument, an environment entry) is sent as its text with U+FFFD for
 *    the invalid bytes plus `x_base64`, the exact bytes (sdk/README.md,
 *    "Bytes in JSON documents"; vmtest/sdk/bytes.hpp implements it). The
 *    host never sends such a document to a plugin built for 1.0.
 *  - Nothing allocated on one side is freed on the other. Strings passed to
 *    a function are valid only for the duration of that call; results come
 *    back through the `vmtest_reply` the host passes in, and the host copies
 *    them before the call returns.
 *  - Every entry of every table below says whether it may be NULL.
 *    "required" entries must be set: vmtest refuses, at load and with one
 *    line naming the entry, a plugin whose table leaves one NULL or ends
 *    before it. "optional" entries may be NULL, and an entry beyond the
 *    table's `struct_size` (a plugin built against an older minor) reads as
 *    NULL: NULL means "not provided", and the host then does what the entry
 *    documents for NULL (a missing probe: usable; a missing health: nothing
 *    to watch; a missing finish: nothing to flush). Since 1.2 this one rule
 *    holds for every table (before, a NULL backend probe meant "unusable").
 *  - No C++ exception may cross the boundary. (The C++ wrapper in plugin.hpp
 *    catches them and turns them into VMTEST_ERROR replies.)
 *
 * Threading: the host never calls one instance from two threads at once,
 * except `vmtest_backend_ops.stop`, which may be called from another thread
 * while `wait` blocks (to tear a VM down on Ctrl-C or timeout).
 */
#ifndef VMTEST_SDK_PLUGIN_H
#define VMTEST_SDK_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ABI version this header describes. Since 1.0. */
#define VMTEST_ABI_MAJOR 1
#define VMTEST_ABI_MINOR 3

/* Name of the symbol every plugin exports. Since 1.0. */
#define VMTEST_PLUGIN_ENTRY_SYMBOL "vmtest_plugin_entry"

#if defined(__GNUC__)
#define VMTEST_EXPORT __attribute__((visibility("default")))
#else
#define VMTEST_EXPORT
#endif

/* Result of every call. Since 1.0. */
typedef enum vmtest_status {
    VMTEST_OK = 0,
    VMTEST_ERROR = 1,       /* failed; the reply carries a one-line message */
    VMTEST_UNSUPPORTED = 2, /* cannot do this here (probe said no, unknown attachment, ...) */
    VMTEST_TIMEOUT = 3,     /* the deadline passed before the work finished */
    VMTEST_CANCELLED = 4    /* the host asked to stop (vmtest_host_api.should_stop) */
} vmtest_status;

/* What a plugin provides. Since 1.0. */
typedef enum vmtest_plugin_kind {
    VMTEST_KIND_BACKEND = 1,  /* boots and stops VMs */
    VMTEST_KIND_SHARE = 2,    /* exports host directories to the guest */
    VMTEST_KIND_REPORTER = 3, /* turns run events into a report */
    VMTEST_KIND_RUNNER = 4    /* runs the command inside the guest */
} vmtest_plugin_kind;

/* Log levels for vmtest_host_api.log. Since 1.0. */
typedef enum vmtest_log_level {
    VMTEST_LOG_DEBUG = 0,
    VMTEST_LOG_INFO = 1,
    VMTEST_LOG_WARN = 2,
    VMTEST_LOG_ERROR = 3
} vmtest_log_level;

/* Output streams for vmtest_host_api.output. Since 1.0. */
typedef enum vmtest_stream { VMTEST_STREAM_STDOUT = 1, VMTEST_STREAM_STDERR = 2 } vmtest_stream;

/*
 * Where a call puts its result. Owned by the host, valid for one call.
 * A plugin calls `set_json` with the call's result document (when the call
 * has one) and `set_error` with a one-line, human-readable message when it
 * returns anything but VMTEST_OK. Both copy their argument. Since 1.0.
 */
typedef struct vmtest_reply {
    uint32_t struct_size;
    void* host_data; /* opaque to the plugin */
    void (*set_json)(struct vmtest_reply* reply, const char* json);
    void (*set_error)(struct vmtest_reply* reply, const char* message);
} vmtest_reply;

/*
 * Services the host offers an instance, given at `create` and valid until
 * `destroy`. All function pointers are always set. Since 1.0.
 */
typedef struct vmtest_host_api {
    uint32_t struct_size;
    void* context; /* pass back as the first argument of every call below */
    /* Log a line through the host's logger. `message` is copied. */
    void (*log)(void* context, int level, const char* message);
    /* Nonzero once the plugin should give up whatever it waits for: the
     * user pressed Ctrl-C, the target's deadline passed or the VM exited.
     * Long waits must poll this at least every 100 ms. */
    int (*should_stop)(void* context);
    /* A runner hands command output here as it arrives (not line-buffered:
     * any chunk size, cut anywhere). `data` is bytes in no particular
     * encoding, passed on unchanged; it is copied. */
    void (*output)(void* context, int stream, const char* data, size_t size);
} vmtest_host_api;

/* An instance of a plugin, opaque to the host. Since 1.0. */
typedef struct vmtest_instance vmtest_instance;

/*
 * Backend: boots a VM as described by a VM spec (JSON, see sdk/README.md).
 * Since 1.0.
 */
typedef struct vmtest_backend_ops {
    uint32_t struct_size;
    /* Required. Static facts: {"attachments": ["9p", ...], "boot_timeout_s":
     * N}; since 1.2 also "priority" (default 0), "arches", "kernel_formats"
     * and "options" (sdk/README.md, "Choosing plugins" and "Options"), and
     * "guest_modules": ["virtio_mmio", ...], the kernel modules the guest
     * needs for this backend's devices (absent: none). Since 1.3 also
     * "disk_firmwares": ["bios", "uefi"], the firmwares it boots disk images
     * (image targets) with; absent or empty: it boots kernels only, and
     * vmtest never gives it a VM spec with a boot disk. */
    vmtest_status (*describe)(vmtest_instance* self, vmtest_reply* reply);
    /* Optional (NULL: usable wherever describe fits). Can this backend run
     * `vm_spec` on this host? VMTEST_UNSUPPORTED with a reason when not.
     * Must return within seconds and never hang. */
    vmtest_status (*probe)(vmtest_instance* self, const char* vm_spec, vmtest_reply* reply);
    /* Required. Start the VM and return once it runs. Reply: {"pid": N}
     * (optional). Since 1.3 the spec may boot a disk instead of a kernel:
     * a `disks` entry with "boot": true, no kernel, and the firmware in
     * "uefi", "uefi_code", "uefi_vars" and "bios" (sdk/README.md). */
    vmtest_status (*start)(vmtest_instance* self, const char* vm_spec, vmtest_reply* reply);
    /* Required. Wait up to `timeout_ms` (-1: forever) for the VM to exit.
     * VMTEST_OK with {"exit_code": N, "detail": "..."} once it has,
     * VMTEST_TIMEOUT while it still runs. */
    vmtest_status (*wait)(vmtest_instance* self, int32_t timeout_ms, vmtest_reply* reply);
    /* Required. Stop the VM: ask politely, then force after `grace_ms`.
     * Idempotent; also called when the VM already exited. */
    vmtest_status (*stop)(vmtest_instance* self, int32_t grace_ms, vmtest_reply* reply);
} vmtest_backend_ops;

/*
 * Share: exports host directories; tells the backend what to attach and the
 * guest how to mount it. Since 1.0.
 */
typedef struct vmtest_share_ops {
    uint32_t struct_size;
    /* Required. Static facts: {"attachment": "9p", "guest_modules": ["9p",
     * ...]}; since 1.2 also "priority" (default 0) and "options". */
    vmtest_status (*describe)(vmtest_instance* self, vmtest_reply* reply);
    /* Required. Prepare `exports` (JSON array) and start any helper
     * processes. Reply: {"attachments": [...], "mounts": [...]}. */
    vmtest_status (*prepare)(vmtest_instance* self, const char* exports, vmtest_reply* reply);
    /* Required. Stop every helper `prepare` started. Idempotent. */
    vmtest_status (*release)(vmtest_instance* self, vmtest_reply* reply);
    /* Optional (NULL, or a table that ends before it: always usable). Can
     * this share serve `exports` (JSON array, as for prepare) on this host?
     * VMTEST_UNSUPPORTED with a reason when not (no helper binary, no
     * privilege, ...). Leaves nothing running, returns within seconds. */
    vmtest_status (*probe)(vmtest_instance* self, const char* exports, vmtest_reply* reply);
    /* Optional. Since 1.1. Do the helpers `prepare` started still serve? vmtest asks
     * often (every 50 ms or so) while the VM runs, from the thread that runs
     * the target and never during another call of this instance: return at
     * once, without blocking. VMTEST_OK while they serve, and for a helper
     * that ended the way it does when the VM lets go of it (virtiofsd exits 0
     * once QEMU closes its socket). VMTEST_ERROR with one line naming the
     * helper and how it ended ("virtiofsd serving /srv exited with status 1",
     * "... was killed by signal 9") once one died otherwise: vmtest then fails
     * the target at once with that line. NULL, or a table that ends before
     * this entry: nothing to watch. */
    vmtest_status (*health)(vmtest_instance* self, vmtest_reply* reply);
} vmtest_share_ops;

/*
 * Runner: talks to an agent in the guest to run the command. Since 1.0.
 */
typedef struct vmtest_runner_ops {
    uint32_t struct_size;
    /* Required. Static facts: {"channels": ["org.qemu.guest_agent.0", ...],
     * "guest_agent": {"argv": [...], "candidates": [...]}}; since 1.2 also
     * "options". */
    vmtest_status (*describe)(vmtest_instance* self, vmtest_reply* reply);
    /* Required. Connect to the agent over `channels` (JSON array of {"name",
     * "socket"}; since 1.2 also "transport") and wait until it answers,
     * polling should_stop. */
    vmtest_status (*connect)(vmtest_instance* self, const char* channels, vmtest_reply* reply);
    /* Required. Run `command` (JSON: {"argv", "env", "cwd"}; since 1.1 also
     * "argv_base64", "env_base64", "cwd_base64" when they hold bytes that
     * are not UTF-8), streaming its output through vmtest_host_api.output.
     * Reply: {"exit_code": N} or {"signal": N}. */
    vmtest_status (*run)(vmtest_instance* self, const char* command, vmtest_reply* reply);
} vmtest_runner_ops;

/*
 * Reporter: receives every run event (JSON, see sdk/README.md) in order.
 * Since 1.0.
 */
typedef struct vmtest_reporter_ops {
    uint32_t struct_size;
    /* Required. One run event. */
    vmtest_status (*event)(vmtest_instance* self, const char* event, vmtest_reply* reply);
    /* Optional (NULL: nothing to flush). The run is over (normally or not):
     * flush and close the report. */
    vmtest_status (*finish)(vmtest_instance* self, vmtest_reply* reply);
} vmtest_reporter_ops;

/*
 * What `vmtest_plugin_entry` returns: static, owned by the plugin, valid
 * while the shared object is loaded. Since 1.0.
 */
typedef struct vmtest_plugin_descriptor {
    uint32_t struct_size;
    uint32_t abi_major;  /* VMTEST_ABI_MAJOR the plugin was built with */
    uint32_t abi_minor;  /* VMTEST_ABI_MINOR the plugin was built with */
    uint32_t kind;       /* vmtest_plugin_kind */
    const char* name;    /* unique per kind, e.g. "qemu-tcg"; [a-z0-9-]+ */
    const char* version; /* the plugin's own version, e.g. "1.2.0" */
    const char* summary; /* one line for `vmtest --list-plugins` */
    /* Required. Create an instance from `config` (JSON object, may be "{}").
     * Since 1.2 the config holds the options the user gave the plugin
     * (vmtest.toml's [target.<kind>_options], --plugin-option), already
     * checked against those its describe declares, plus the host's own
     * members (a share's "runtime_dir", a reporter's "path"). */
    vmtest_status (*create)(const vmtest_host_api* host, const char* config,
                            vmtest_instance** out, vmtest_reply* reply);
    /* Required. Destroy an instance, releasing everything it holds
     * (processes too). */
    void (*destroy)(vmtest_instance* self);
    /* Required. Points to the vmtest_*_ops table matching `kind`. */
    const void* ops;
} vmtest_plugin_descriptor;

typedef const vmtest_plugin_descriptor* (*vmtest_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* VMTEST_SDK_PLUGIN_H */
