// The JSON documents that cross the plugin boundary, as C++ types.
//
// Host and in-tree plugins use these; an out-of-tree plugin may use them or
// parse the JSON itself (the schema is the same, see sdk/README.md). Members
// missing from a document take the defaults below, and unknown members are
// ignored, so a member can be added in a minor ABI version without breaking
// either side. Paths are absolute host paths unless said otherwise.
//
// Strings are bytes, not necessarily UTF-8 (paths, argv, the environment).
// Since ABI 1.1 they cross the boundary exactly: in the JSON, one that is
// not UTF-8 comes with an "<member>_base64" sibling (vmtest/sdk/bytes.hpp),
// which the C++ wrapper (plugin.hpp) writes and reads for these types.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace vmtest::sdk {

// One option a plugin takes in its `create` config, as declared in its
// describe reply (Since ABI 1.2). `type` is "string", "integer", "number",
// "boolean" or "string_array"; vmtest refuses a value of another type (and
// an option no plugin declares) before anything boots. `doc` is one line
// for people.
struct OptionSpec {
    std::string type;
    std::string doc;
    NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(OptionSpec, type, doc)
};

using OptionSpecs = std::map<std::string, OptionSpec>;

// What `priority` a plugin that does not declare one has (Since ABI 1.2):
// vmtest's own backends and shares declare more, so they win "auto" over a
// 1.0/1.1 plugin.
inline constexpr int k_default_priority = 0;

// A host directory a share exports to the guest. Since ABI 1.0.
struct Export {
    std::string tag;        // unique per VM, [A-Za-z0-9_]{1,31}: the guest mounts it by this
    std::string host_path;  // directory on the host
    bool writable = false;  // false: the guest must not be able to change it
    NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(Export, tag, host_path, writable)
};

// Something the backend attaches to the VM for a share. `type` says which
// members matter: "9p" uses path/readonly, "vhost-user-fs" uses socket.
// A backend lists the types it can attach in its describe reply and
// refuses others. Since ABI 1.0.
struct Attachment {
    std::string type;
    std::string tag;
    std::string path;
    std::string socket;
    bool readonly = true;
    NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(Attachment, type, tag, path, socket, readonly)
};

// How the guest mounts one export: mount(source, <guest path>, fstype,
// flags, options). The guest path is chosen by the host. Since ABI 1.0.
struct GuestMount {
    std::string tag;
    std::string fstype;
    std::string source;
    std::string options;
    NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(GuestMount, tag, fstype, source, options)
};

// Share reply to `prepare`. Since ABI 1.0.
struct PreparedShare {
    std::vector<Attachment> attachments;
    std::vector<GuestMount> mounts;
    NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(PreparedShare, attachments, mounts)
};

// Share reply to `describe`. Since ABI 1.0.
struct ShareDescription {
    std::string attachment;                  // the attachment type it needs
    std::vector<std::string> guest_modules;  // kernel modules the guest mount needs, in load order
    int priority = k_default_priority;       // Since 1.2: order of "auto", as for backends
    OptionSpecs options;                     // Since 1.2: what its create config takes
    NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(ShareDescription, attachment, guest_modules,
                                                priority, options)
};

// A byte stream between host and guest: a port named `name` in the guest,
// a unix socket at `socket` on the host (the backend listens, the runner
// connects). Since ABI 1.0. `transport` (Since ABI 1.2) says what carries it
// in the VM: "virtio-serial" (the only one so far; the guest sees
// /dev/virtio-ports/<name>), room for "vsock". A backend refuses
// (VMTEST_UNSUPPORTED) a transport it does not know.
struct Channel {
    std::string name;
    std::string socket;
    std::string transport = "virtio-serial";
    NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(Channel, name, socket, transport)
};

// A disk the VM gets (Since ABI 1.2; empty for kernel targets so far).
// `format` is "raw" or "qcow2"; `read_only` attaches it read-only;
// `snapshot` discards the guest's writes when the VM ends.
struct Disk {
    std::string path;
    std::string format = "raw";
    bool read_only = false;
    bool snapshot = false;
    // Since 1.3: the VM boots from this disk (an image target's; the host
    // then gives no kernel). A backend boots it with the firmware the spec
    // names: `uefi` with `uefi_code`/`uefi_vars` or `bios`, else its BIOS.
    bool boot = false;
    NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(Disk, path, format, read_only, snapshot, boot)
};

// Everything a backend needs to boot one VM. Since ABI 1.0; members marked
// 1.2 are new in ABI 1.2 (a 1.0/1.1 backend ignores them and reads the old
// ones, which the host keeps filling).
struct VmSpec {
    std::string arch = "x86_64";
    // The kernel to boot, for 1.0/1.1 backends: `kernel_elf` when there is
    // one, else `kernel_image`. Empty for image boots.
    std::string kernel;
    // Since 1.2: the kernel as the user gave it (bzImage or ELF vmlinux) and
    // its format ("bzImage", "elf" or "unknown").
    std::string kernel_image;
    std::string kernel_image_format;
    // Since 1.2: an ELF vmlinux with a PVH entry point (the image itself, or
    // the vmlinux extracted from a bzImage); empty when there is none. The
    // backend picks whichever of the two it boots best.
    std::string kernel_elf;
    std::string initrd;       // initramfs to pass with the kernel
    std::string cmdline;      // full kernel command line
    std::string image;        // disk image to boot instead of a kernel
    bool uefi = false;
    std::string bios;         // firmware file; empty for the backend's default
    // Since 1.3, for `uefi` image boots without `bios`: the UEFI firmware's
    // code (attach read-only) and this VM's own copy of its variable store
    // (attach writable; it is in runtime_dir).
    std::string uefi_code;
    std::string uefi_vars;
    int cpus = 2;
    std::string memory = "4G";  // QEMU -m syntax (for 1.0/1.1 backends)
    // Since 1.2: guest RAM in bytes (the same size as `memory`).
    std::uint64_t memory_bytes = 0;
    std::vector<Attachment> attachments;
    std::vector<Channel> channels;
    std::vector<Disk> disks;  // Since 1.2
    std::string console_log;  // file the guest's serial console is written to
    std::string runtime_dir;  // private 0700 directory for sockets and temp files
    std::string cache_dir;    // persistent directory the backend may keep verdicts in
    // Deprecated since 1.2, removed in 2.0: QEMU's knobs are now the QEMU
    // backends' options (qemu_command, kvm_cpu_args, extra_args, given at
    // `create`). The host still fills these for 1.0/1.1 backends.
    std::string qemu_command; // emulator binary override; empty for the default
    std::string kvm_cpu_args; // -cpu argument under KVM; empty for "host"
    std::vector<std::string> extra_args;  // appended verbatim to the emulator's arguments
    // Connect the guest's /dev/hvc0 to vmtest's own stdin and stdout (an
    // interactive shell). Since ABI 1.0.
    bool interactive_console = false;
    NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(VmSpec, arch, kernel, kernel_image,
                                                kernel_image_format, kernel_elf, initrd, cmdline,
                                                image, uefi, bios, uefi_code, uefi_vars, cpus,
                                                memory, memory_bytes,
                                                attachments, channels, disks, console_log,
                                                runtime_dir, cache_dir, qemu_command, kvm_cpu_args,
                                                extra_args, interactive_console)
};

// Backend reply to `describe`. Since ABI 1.0.
struct BackendDescription {
    std::vector<std::string> attachments;  // attachment types it can attach
    int boot_timeout_s = 120;              // how long a normal boot may take on it
    // Since 1.2. "auto" tries the backends whose facts fit the VM in
    // descending priority (ties by name) and takes the first whose probe
    // says yes.
    int priority = k_default_priority;
    std::vector<std::string> arches;          // e.g. ["x86_64"]; empty: any
    std::vector<std::string> kernel_formats;  // "elf", "bzImage"; empty: any
    OptionSpecs options;                      // what its create config takes
    // Since 1.2: kernel modules the guest needs to see this backend's
    // devices (e.g. "virtio_mmio" for a machine without PCI), in load order.
    // vmtest loads them, with their dependencies, besides its own and the
    // share's. Absent: none.
    std::vector<std::string> guest_modules;
    // Since 1.3: the firmwares it boots disk images with, "bios" and/or
    // "uefi". Empty (and for a backend built before 1.3): it boots kernels
    // only, and vmtest never gives it an image target.
    std::vector<std::string> disk_firmwares;
    NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(BackendDescription, attachments, boot_timeout_s,
                                                priority, arches, kernel_formats, options,
                                                guest_modules, disk_firmwares)
};
// Backend reply to `wait` once the VM has exited. Since ABI 1.0.
struct VmExit {
    int exit_code = 0;   // the emulator's exit status (128+N when killed by signal N)
    std::string detail;  // the emulator's own error output, when it failed
    NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(VmExit, exit_code, detail)
};

// How the guest starts a runner's agent: the first of `candidates` that
// exists in the guest's root is run with `argv` appended. Since ABI 1.0.
struct GuestAgent {
    std::vector<std::string> candidates;
    std::vector<std::string> argv;
    NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(GuestAgent, candidates, argv)
};

// Runner reply to `describe`. Since ABI 1.0.
struct RunnerDescription {
    std::vector<std::string> channels;  // virtio-serial port names it needs
    GuestAgent guest_agent;
    OptionSpecs options;                // Since 1.2: what its create config takes
    NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(RunnerDescription, channels, guest_agent, options)
};

// What a runner runs. Since ABI 1.0. Every member is bytes and must reach
// the guest exactly (in JSON: argv_base64, env_base64, cwd_base64 when not
// UTF-8, since ABI 1.1).
struct Command {
    std::vector<std::string> argv;  // argv[0] is the program; vmtest sends
                                    // {shell, "-c", command, "bash"|"sh"}
    std::vector<std::string> env;   // "NAME=value", the complete environment
    std::string cwd;                // guest directory to start in
    NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(Command, argv, env, cwd)
};

// Runner reply to `run`. Exactly one of exit_code / signal is meaningful:
// signal is 0 when the command exited normally. Since ABI 1.0.
struct CommandResult {
    int exit_code = 0;
    int signal = 0;
    NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(CommandResult, exit_code, signal)
};

}  // namespace vmtest::sdk
