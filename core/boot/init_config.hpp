#pragma once

// What the host tells vmtest's guest init (/init in the initramfs) to do.
// The host renders it into /vmtest/init.conf; the init parses it back with
// parse_init_config() (init_config_parser.hpp). Both sides compile the same
// code, so they agree on the format by construction. This header is also
// compiled into the static init, so it uses only plain standard types.

#include <optional>
#include <string>
#include <vector>

namespace vmtest::boot {

enum class InitLogLevel { quiet, debug };

struct InitRootMount {
    std::string fstype;   // e.g. "9p", "virtiofs"
    std::string source;   // e.g. the 9p mount tag "vmtest_root"
    std::string options;  // mount(2) data, e.g. "trans=virtio,version=9p2000.L"
    // Read-only: the share is the lower layer of an overlay on a tmpfs, so
    // the guest may write anywhere but the host is never modified.
    bool read_only = true;

    bool operator==(const InitRootMount&) const = default;
};

struct InitMount {
    std::string fstype;
    std::string source;
    std::string guest_path;  // absolute, inside the guest's root
    std::string options;
    bool read_only = false;

    bool operator==(const InitMount&) const = default;
};

struct InitBind {
    std::string source;       // guest path
    std::string destination;  // guest path, created if missing

    bool operator==(const InitBind&) const = default;
};

struct InitConfig {
    InitLogLevel log_level = InitLogLevel::quiet;
    std::string hostname;              // empty: leave the kernel's default
    std::vector<std::string> modules;  // paths inside the initramfs, load order
    std::vector<std::string> hints;    // appended to a failed root mount's message
    std::optional<InitRootMount> root;
    // The kernel argument `ro` (danobi/vmtest's way to protect the root):
    // once every mount point exists, the root is remounted read-only, so
    // the guest's writes to it fail (EROFS) instead of landing in the
    // overlay. What is mounted on it (/tmp, /mnt/vmtest, ...) stays as is.
    bool read_only_root = false;
    std::vector<InitMount> mounts;
    std::vector<InitBind> binds;
    std::vector<std::string> ports;    // virtio-serial port names to wait for
    std::vector<std::string> agent_candidates;  // first existing one is started
    std::vector<std::string> agent_args;
    std::string control_port;          // empty: no control channel
    // virtio-serial port the kernel's log (/dev/kmsg) is streamed to; empty:
    // not streamed. Not in `ports`: a backend that does not create it must
    // not hold up the boot (the streamer waits for it on its own).
    std::string kernel_log_port;

    bool operator==(const InitConfig&) const = default;
};

// The text of /vmtest/init.conf: one directive per line, fields separated by
// single spaces, each field percent-encoded (percent_encoding.hpp):
//   log <quiet|debug>
//   hostname <name>
//   module <path-in-initramfs>
//   hint <text>
//   root <fstype> <source> <options> <ro|rw>
//   read-only-root
//   mount <fstype> <source> <guest-path> <options> <ro|rw>
//   bind <guest-src> <guest-dst>
//   port <name>
//   agent <candidate>...
//   agent-arg <arg>
//   control <port-name>
//   kmsg <port-name>
// '#' lines and blank lines are comments.
[[nodiscard]] std::string render(const InitConfig& config);

}  // namespace vmtest::boot
