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
    NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(ShareDescription, attachment, guest_modules)
};

// A byte stream between host and guest: a virtio-serial port named `name`
// in the guest, a unix socket at `socket` on the host (the backend listens,
// the runner connects). Since ABI 1.0.
struct Channel {
    std::string name;
    std::string socket;
    NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(Channel, name, socket)
};

// Everything a backend needs to boot one VM. Since ABI 1.0.
struct VmSpec {
    std::string arch = "x86_64";
    std::string kernel;       // kernel image (bzImage or ELF vmlinux); empty for image boots
    std::string initrd;       // initramfs to pass with the kernel
    std::string cmdline;      // full kernel command line
    std::string image;        // disk image to boot instead of a kernel
    bool uefi = false;
    std::string bios;         // firmware file; empty for the backend's default
    int cpus = 2;
    std::string memory = "4G";  // QEMU -m syntax
    std::vector<Attachment> attachments;
    std::vector<Channel> channels;
    std::string console_log;  // file the guest's serial console is written to
    std::string runtime_dir;  // private 0700 directory for sockets and temp files
    std::string cache_dir;    // persistent directory the backend may keep verdicts in
    std::string qemu_command; // emulator binary override; empty for the default
    std::string kvm_cpu_args; // -cpu argument under KVM; empty for "host"
    std::vector<std::string> extra_args;  // appended verbatim to the emulator's arguments
    // Connect the guest's /dev/hvc0 to vmtest's own stdin and stdout (an
    // interactive shell). Since ABI 1.0.
    bool interactive_console = false;
    NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(VmSpec, arch, kernel, initrd, cmdline, image, uefi,
                                                bios, cpus, memory, attachments, channels,
                                                console_log, runtime_dir, cache_dir, qemu_command,
                                                kvm_cpu_args, extra_args, interactive_console)
};

// Backend reply to `describe`. Since ABI 1.0.
struct BackendDescription {
    std::vector<std::string> attachments;  // attachment types it can attach
    int boot_timeout_s = 120;              // how long a normal boot may take on it
    // Since ABI 1.2: kernel modules the guest needs to see this backend's
    // devices (e.g. "virtio_mmio" for a machine without PCI), in load order.
    // vmtest loads them, with their dependencies, besides its own and the
    // share's. Absent: none.
    std::vector<std::string> guest_modules;
    NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(BackendDescription, attachments, boot_timeout_s,
                                                guest_modules)
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
    NLOHMANN_DEFINE_TYPE_INTRUSIVE_WITH_DEFAULT(RunnerDescription, channels, guest_agent)
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
