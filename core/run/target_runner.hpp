#pragma once

#include <cstdint>
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
    // How many targets run at once (-j). Above 1, a target may not stop the
    // processes that appeared while it ran (they may be another target's):
    // the session sweeps leftovers when no target runs instead.
    std::size_t jobs = 1;
    // What the running targets' memory may add up to (-j; host_capacity.hpp).
    std::uint64_t memory_budget = UINT64_MAX;
    ShareSelector shares{registry};         // resolves share "auto" once per run (thread-safe)
};

// Runs one target from start to end: prepares kernel and initramfs, starts
// the share and the VM, connects the runner, runs the command, powers the
// guest off, and tears everything down on every path (nothing is left
// running, no file is left behind but the saved boot log).
TargetResult run_target(const config::Target& target, std::size_t index, RunEnvironment& env);

}  // namespace vmtest::run
