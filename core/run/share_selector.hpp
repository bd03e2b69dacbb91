#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "plugin_host/plugin_registry.hpp"
#include "vmtest/sdk/types.hpp"

namespace vmtest::run {

// Resolves a target's `share` setting to a plugin name. "auto" means
// virtiofs when the virtiofs plugin's probe says it can run here (a
// virtiofsd exists, vmtest may start it), else 9p, which needs nothing but
// QEMU. It says once per run which it picked and why, and remembers the
// choice. A share named explicitly is probed too, so one that cannot run
// here fails before anything starts, with the share's own reason.
class ShareSelector {
  public:
    explicit ShareSelector(const plugin_host::PluginRegistry& registry) : m_registry(registry) {}

    // Throws std::runtime_error when the requested share cannot run here.
    std::string choose(const std::string& requested, const std::vector<sdk::Export>& exports);

  private:
    std::optional<std::string> probe(const std::string& name,
                                     const std::vector<sdk::Export>& exports);

    const plugin_host::PluginRegistry& m_registry;
    // Targets running side by side (-j) choose at once: one probes, the
    // others wait for its choice (and never run the same probe twice at once).
    std::mutex m_mutex;
    std::optional<std::string> m_auto_choice;
};

}  // namespace vmtest::run
