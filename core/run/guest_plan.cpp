#include "run/guest_plan.hpp"

#include <algorithm>
#include <stdexcept>

#include "config/kernel_command_line.hpp"
#include "run/project_share.hpp"

namespace vmtest::run {

namespace {

const sdk::GuestMount& mount_for(const std::vector<sdk::GuestMount>& mounts, const std::string& tag) {
    for (const auto& mount : mounts) {
        if (mount.tag == tag) {
            return mount;
        }
    }
    throw std::runtime_error("the share plugin gave no guest mount for export '" + tag + "'");
}

std::string mount_tag(std::size_t index) { return "vmtest_mount" + std::to_string(index); }

}  // namespace

std::vector<sdk::Export> exports_for(const config::Target& target) {
    std::vector<sdk::Export> exports;
    // An image brings its own root.
    if (!target.is_image()) {
        exports.push_back({k_root_tag, target.rootfs.string(), target.root_writes_reach_host()});
    }
    exports.push_back(
        {k_project_tag, target.base_dir.string(), project_share_for(target).writable});
    for (std::size_t i = 0; i < target.vm.mounts.size(); ++i) {
        const auto& mount = target.vm.mounts[i];
        exports.push_back({mount_tag(i), mount.host_path.string(), mount.writable});
    }
    return exports;
}

std::vector<std::string> base_guest_modules(const config::Target& target) {
    std::vector<std::string> modules{"virtio_pci", "virtio_console"};
    if (!target.root_writes_reach_host()) {
        modules.push_back("overlay");
    }
    return modules;
}

std::vector<std::string> guest_modules_for(const config::Target& target,
                                           const sdk::BackendDescription& backend,
                                           const sdk::ShareDescription& share) {
    auto modules = base_guest_modules(target);
    for (const auto* more : {&backend.guest_modules, &share.guest_modules}) {
        for (const auto& module : *more) {
            if (std::find(modules.begin(), modules.end(), module) == modules.end()) {
                modules.push_back(module);
            }
        }
    }
    return modules;
}

boot::InitConfig init_config_for(const config::Target& target,
                                 const std::vector<sdk::GuestMount>& mounts,
                                 const sdk::RunnerDescription& runner,
                                 const std::vector<std::string>& hints, bool debug) {
    boot::InitConfig init;
    init.log_level = debug ? boot::InitLogLevel::debug : boot::InitLogLevel::quiet;
    init.hostname = "vmtest";
    init.hints = hints;

    const auto& root = mount_for(mounts, k_root_tag);
    // With `ro` the overlay is still made: vmtest's mount points need a
    // writable root until read_only_root locks it.
    init.root = boot::InitRootMount{root.fstype, root.source, root.options,
                                    !target.root_writes_reach_host()};
    init.read_only_root = config::asks_read_only_root(target.kernel_args);

    const auto& project = mount_for(mounts, k_project_tag);
    const auto project_share = project_share_for(target);
    const std::string guest_base{config::k_guest_base_dir};
    init.mounts.push_back(
        {project.fstype, project.source, guest_base, project.options, !project_share.writable});
    // Also at its own host path, so paths printed or baked in by the
    // project's tools (and the one-liner's cwd) work unchanged in the guest.
    // Not over a system directory ("/" would hide the whole root, /proc the
    // guest's own).
    if (project_share.at_host_path && target.base_dir.string() != guest_base) {
        init.binds.push_back({guest_base, target.base_dir.string()});
    }
    for (std::size_t i = 0; i < target.vm.mounts.size(); ++i) {
        const auto& wanted = target.vm.mounts[i];
        const auto& mount = mount_for(mounts, mount_tag(i));
        init.mounts.push_back(
            {mount.fstype, mount.source, wanted.guest_path, mount.options, !wanted.writable});
    }

    init.ports = runner.channels;
    init.ports.push_back(k_control_port);
    init.agent_candidates = runner.guest_agent.candidates;
    init.agent_args = runner.guest_agent.argv;
    init.control_port = k_control_port;
    init.kernel_log_port = k_kernel_log_port;
    return init;
}

std::string kernel_command_line(const config::Target& target, bool verbose) {
    return config::kernel_command_line(target.arch, target.kernel_args, verbose);
}

sdk::Command command_for(const config::Target& target, const std::vector<std::string>& environment) {
    sdk::Command command;
    const bool has_bash = std::filesystem::exists(target.rootfs / "bin/bash");
    const std::string shell = has_bash ? "/bin/bash" : "/bin/sh";
    if (target.is_interactive()) {
        // A login shell on the console wired to the user's terminal; setsid
        // -c makes it the controlling terminal so job control and Ctrl-C work.
        command.argv = {"/bin/sh", "-c",
                        "exec setsid -c " + shell + " -il </dev/hvc0 >/dev/hvc0 2>&1"};
    } else {
        // The last word is the shell's $0: "bash" (or "sh"), as in danobi/vmtest
        // and in error messages like "bash: line 1: foo: command not found".
        command.argv = {shell, "-c", target.command, has_bash ? "bash" : "sh"};
    }
    command.env = environment;
    command.cwd = target.workdir ? target.workdir->string() : std::string(config::k_guest_base_dir);
    return command;
}

image::GuestSetup image_guest_setup(const config::Target& target,
                                    const std::vector<sdk::GuestMount>& mounts,
                                    const sdk::ShareDescription& share) {
    image::GuestSetup setup;
    setup.modules = share.guest_modules;
    const auto& project = mount_for(mounts, k_project_tag);
    setup.mounts.push_back({project.fstype, project.source, std::string(config::k_guest_base_dir),
                            project.options, !project_share_for(target).writable});
    for (std::size_t i = 0; i < target.vm.mounts.size(); ++i) {
        const auto& wanted = target.vm.mounts[i];
        const auto& mount = mount_for(mounts, mount_tag(i));
        setup.mounts.push_back(
            {mount.fstype, mount.source, wanted.guest_path, mount.options, !wanted.writable});
    }
    return setup;
}

sdk::Command image_command_for(const config::Target& target, const std::string& shell) {
    sdk::Command command;
    const bool bash = std::filesystem::path(shell).filename() == "bash";
    command.argv = {shell, "-c", target.command, bash ? "bash" : "sh"};
    command.cwd = target.workdir ? target.workdir->string() : std::string(config::k_guest_base_dir);
    return command;
}

}  // namespace vmtest::run
