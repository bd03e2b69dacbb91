#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "plugin_host/plugin_registry.hpp"
#include "vmtest/sdk/types.hpp"

namespace vmtest::run {

// Resolves a target's `backend` setting to a plugin name. "auto" means KVM
// when it really works here, else TCG: it asks the qemu-kvm plugin's probe
// (which boots the kernel briefly and caches its verdict on disk), warns
// once when it falls back, and remembers the choice for the whole run.
class BackendSelector {
  public:
    explicit BackendSelector(const plugin_host::PluginRegistry& registry) : m_registry(registry) {}

    // Throws std::runtime_error when the requested backend cannot run here.
    std::string choose(const std::string& requested, const sdk::VmSpec& spec);

  private:
    std::optional<std::string> probe(const std::string& name, const sdk::VmSpec& spec);

    const plugin_host::PluginRegistry& m_registry;
    // Targets running side by side (-j) choose at once: one probes, the
    // others wait for its choice (and never run the same probe twice at once).
    std::mutex m_mutex;
    std::optional<std::string> m_auto_choice;
};

}  // namespace vmtest::run
