// What vmtest runs: one Target per VM, read from `vmtest.toml` or built from
// the command line. Paths here are already resolved (absolute) by whoever
// built the Target, so later stages never need to know where they came from.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config_error.hpp"
#include "config/default_plugins.hpp"

namespace vmtest::config {

// The guest architectures vmtest boots, named as `uname -m` names them.
inline constexpr std::string_view k_supported_arches[] = {"x86_64", "aarch64"};

// The architecture used when none is given: the host's, as upstream does,
// so that a guest of it can use KVM.
#if defined(__aarch64__)
inline constexpr std::string_view k_default_arch = "aarch64";
#else
inline constexpr std::string_view k_default_arch = "x86_64";
#endif

// Guest directory the target's base_dir is shared at (read-write).
inline constexpr std::string_view k_guest_base_dir = "/mnt/vmtest";

// An extra host directory shared into the guest.
struct Mount {
    std::string guest_path;            // absolute path inside the guest
    std::filesystem::path host_path;   // absolute host path
    bool writable = false;
};

struct VmSettings {
    int num_cpus = 2;
    std::string memory = "4G";         // QEMU -m syntax, validated
    std::vector<Mount> mounts;         // sorted by guest_path: parents before children
    std::optional<std::filesystem::path> bios;
    std::vector<std::string> extra_args;  // appended verbatim to QEMU's arguments
};

// One result reporter: `--reporter junit=results.xml` or `reporters = ["tap"]`.
struct ReporterSpec {
    std::string name;
    std::optional<std::filesystem::path> output;  // none: the reporter's default (stdout)

    bool operator==(const ReporterSpec&) const = default;
};

// Where a field's value came from, so that checks made after loading (does
// the plugin it names exist?) point at it as load-time errors do.
struct FieldOrigin {
    std::string file;                        // vmtest.toml as given; empty when a flag set it
    std::optional<SourcePosition> position;  // in `file`
    std::string flag;                        // e.g. "--backend"; empty when the file set it

    bool operator==(const FieldOrigin&) const = default;
};

// What a splat in the guest kernel's log (a WARNING, BUG, Oops, KASAN
// report, ...) does to a target that passed: `kernel_splats` in vmtest.toml,
// --kernel-splats.
enum class KernelSplatPolicy {
    fail,    // the target fails (error_kind "kernel_splat")
    warn,    // shown and reported; the result stays the command's
    ignore,  // the log is not checked
};
inline constexpr std::string_view k_kernel_splat_values = "\"fail\", \"warn\" or \"ignore\"";
// "fail", "warn", "ignore"; nullopt for anything else.
std::optional<KernelSplatPolicy> parse_kernel_splat_policy(std::string_view text);

struct Target {
    std::string name;
    // Exactly one of kernel / image is set. `kernel` is a location (see
    // kernel_location.hpp): an image, package, tarball, installed-kernel
    // directory, build tree or URL, until kernel_source::resolve_kernel_sources
    // turns it into the image file to boot.
    std::optional<std::filesystem::path> kernel;
    std::optional<std::filesystem::path> image;
    bool uefi = false;                  // image targets only
    // Image targets only (ours, not upstream's): the guest writes to the
    // image itself instead of a per-run overlay that vanishes with the run.
    bool image_writable = false;
    std::string kernel_args;            // extra kernel command line; kernel targets only
    // The kernel's modules: a modules directory, package, tarball or URL
    // (kernel targets only). Once resolved, the directory modules are taken
    // from before the rootfs's and the host's /lib/modules/<release>; the
    // resolver also sets it to the modules that come with `kernel`'s package
    // or tree when it is not given.
    std::optional<std::filesystem::path> modules;
    std::optional<std::string> kernel_sha256;   // 64 lowercase hex digits; URL kernels only
    std::optional<std::string> modules_sha256;  // the same for a `modules` URL
    std::filesystem::path rootfs = "/"; // guest root for kernel targets; "/" = host root
    std::string arch{k_default_arch};
    std::string command;                // run by `bash -c` in the guest; "-" = interactive shell
    VmSettings vm;
    std::optional<std::string> qemu_command;  // emulator binary override
    std::optional<std::string> kvm_cpu_args;  // -cpu argument under KVM
    std::string backend = k_default_backend;  // plugin names
    std::string share = k_default_share;
    std::string runner = k_default_runner;
    std::chrono::seconds timeout{600};  // for the command, boot excluded
    std::optional<std::chrono::seconds> boot_timeout;  // none: the backend's own estimate
    bool root_writable = false;         // host root is read-only to the guest unless set
    KernelSplatPolicy kernel_splats = KernelSplatPolicy::fail;
    std::filesystem::path base_dir;     // vmtest.toml's dir, or cwd in one-liner mode: shared rw at /mnt/vmtest
    std::optional<std::filesystem::path> workdir;  // guest cwd: one-liner = host cwd; config = /mnt/vmtest
    // Options for the target's plugins, by kind ("backend", "share",
    // "runner"): a JSON object of option name -> value each, from
    // [target.<kind>_options] and --plugin-option <kind>.NAME=VALUE. They
    // are checked against what the plugins declare before anything boots
    // (run/plugin_options.hpp). qemu_command, kvm_cpu_args and
    // vm.extra_args above are aliases of the QEMU backends' options.
    std::map<std::string, nlohmann::json> plugin_options;
    // Of "backend", "share" and "runner", those set in a file or by a flag;
    // also "<kind>_options.<name>" for each plugin option.
    std::map<std::string, FieldOrigin> origins;

    bool is_image() const;
    // An image target boots with UEFI when `uefi` says so, and always on an
    // arch other than x86_64: only x86 has a BIOS.
    bool boots_with_uefi() const;
    bool is_interactive() const;        // command is "-": an interactive shell instead of a command
    // root_writable, unless kernel_args hold the kernel's `ro`, which wins:
    // then the guest can write to its root neither in RAM nor on the host.
    bool root_writes_reach_host() const;
};

// The most targets that may run at once (-j, `jobs`): far more VMs than a
// host runs well, and a typo like -j 1000 fails instead of starting
// threads by the thousand.
inline constexpr int k_max_jobs = 256;

struct Config {
    std::optional<std::filesystem::path> file;  // the vmtest.toml it came from, as given
    std::vector<Target> targets;                // in file order
    std::vector<ReporterSpec> reporters;
    std::optional<int> jobs;                    // `jobs = N`: targets at once, 1..k_max_jobs
};

// Throws a ConfigError for `message` about `field` of `target` at the place
// in vmtest.toml that set the field. Returns when no file set it.
void fail_at_origin(const Target& target, const std::string& field, const std::string& message);

// Who set `field` otherwise, to start a message with: the flag ("--backend"),
// or "target '<name>'" when it kept its default.
std::string origin_label(const Target& target, const std::string& field);

// Whether vmtest can boot guests of `arch` (names as in `uname -m`).
bool is_supported_arch(std::string_view arch);
// The supported arches for messages: "\"x86_64\" or \"aarch64\"".
std::string supported_arches_text();

}  // namespace vmtest::config
