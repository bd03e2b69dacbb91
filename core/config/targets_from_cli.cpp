#include "config/targets_from_cli.hpp"

#include "config/control_characters.hpp"
#include "config/guest_root_arch.hpp"
#include "config/kernel_location.hpp"

namespace vmtest::config {
namespace {

namespace fs = std::filesystem;

fs::path resolve(const fs::path& cwd, const fs::path& path) {
    return (path.is_relative() && !cwd.empty() ? cwd / path : path).lexically_normal();
}

// A target's --arch or --rootfs (whichever was given, the one the problem is
// about first) that its guest root cannot run with. The file's own fields
// were checked when it was read.
void check_guest_root(const Target& target, const CliOptions& options) {
    if (!options.arch && !options.rootfs) {
        return;
    }
    if (const auto problem = guest_root_problem(target)) {
        const bool about_rootfs = problem->field == "rootfs" ? options.rootfs.has_value()
                                                             : !options.arch.has_value();
        throw UsageError(std::string(about_rootfs ? "--rootfs: " : "--arch: ") + problem->message);
    }
}

}  // namespace

Target make_oneliner_target(const CliOptions& options, const fs::path& cwd,
                            const std::optional<fs::path>& kernel) {
    if (!options.has_command()) {
        throw UsageError(
            "no command given: put the command after the options, or '-' for an interactive shell");
    }
    Target target;
    if (kernel) {
        target.kernel = resolve_location(cwd, *kernel);
        // A file name may hold anything but '/' and NUL; the target name
        // is printed on every console line.
        target.name = replace_control_characters(location_file_name(*kernel));
    }
    if (target.name.empty()) {
        target.name = "vmtest";
    }
    target.command = options.command();
    target.base_dir = cwd;
    // The command runs where the user typed it, as it would on the host.
    target.workdir = cwd;
    apply_overrides(target, options, cwd);
    return target;
}

void apply_overrides(Target& target, const CliOptions& options, const fs::path& cwd) {
    if (options.kargs && !target.is_image()) {
        target.kernel_args = *options.kargs;
    }
    if (options.modules && !target.is_image()) {
        target.modules = resolve_location(cwd, *options.modules);
        // A pin names the content of the URL it was written for.
        target.modules_sha256.reset();
    }
    // A flag beats the file: an alias flag replaces the option it stands for.
    auto drop_backend_option = [&target](const std::string& name) {
        if (const auto found = target.plugin_options.find("backend");
            found != target.plugin_options.end()) {
            found->second.erase(name);
        }
        target.origins.erase("backend_options." + name);
    };
    if (options.kvm_cpu_args) {
        target.kvm_cpu_args = *options.kvm_cpu_args;
        drop_backend_option("kvm_cpu_args");
    }
    if (options.rootfs) {
        target.rootfs = resolve(cwd, *options.rootfs);
    }
    if (options.arch) {
        target.arch = *options.arch;
    }
    if (options.qemu_command) {
        target.qemu_command = *options.qemu_command;
        drop_backend_option("qemu_command");
    }
    for (const auto& option : options.plugin_options) {
        target.plugin_options[option.kind][option.name] = option.value;
        target.origins[option.kind + "_options." + option.name] =
            FieldOrigin{"", std::nullopt, "--plugin-option " + option.kind + "." + option.name};
    }
    if (options.backend) {
        target.backend = *options.backend;
        target.origins["backend"] = FieldOrigin{"", std::nullopt, "--backend"};
    }
    if (options.share) {
        target.share = *options.share;
        target.origins["share"] = FieldOrigin{"", std::nullopt, "--share"};
    }
    if (options.runner) {
        target.runner = *options.runner;
        target.origins["runner"] = FieldOrigin{"", std::nullopt, "--runner"};
    }
    if (options.timeout) {
        target.timeout = *options.timeout;
    }
    if (options.kernel_splats) {
        target.kernel_splats = *options.kernel_splats;
    }
    check_guest_root(target, options);
}

}  // namespace vmtest::config
