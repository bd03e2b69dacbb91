#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "config/target.hpp"
#include "plugin_host/plugin_registry.hpp"
#include "run/backend_selector.hpp"
#include "run/events.hpp"
#include "run/share_selector.hpp"

namespace vmtest::run {

// What all targets of one run share.
struct RunEnvironment {
    const plugin_host::PluginRegistry& registry;
    EventBus& events;
    BackendSelector& backends;
    std::filesystem::path cache_dir;
    std::filesystem::path state_dir;        // boot logs are saved below it
    std::vector<std::string> environment;   // the host's, for the command
    bool debug = false;
    ShareSelector shares{registry};         // resolves share "auto" once per run
};

// Runs one target from start to end: prepares kernel and initramfs, starts
// the share and the VM, connects the runner, runs the command, powers the
// guest off, and tears everything down on every path (nothing is left
// running, no file is left behind but the saved boot log).
TargetResult run_target(const config::Target& target, std::size_t index, RunEnvironment& env);

}  // namespace vmtest::run
