#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "plugin_host/plugin_registry.hpp"
#include "run/plugin_catalog.hpp"
#include "run/plugin_options.hpp"
#include "vmtest/sdk/types.hpp"

namespace vmtest::run {

// Resolves a target's `share` setting to a plugin name. "auto" takes, among
// the shares that take the options the target gives, the first in
// descending priority (ties by name) whose probe says it can serve the
// exports here: with vmtest's own plugins, virtiofs when a virtiofsd exists
// and vmtest may start it, else 9p, which needs nothing but QEMU. It says
// once per run which it picked and why, and remembers the choice. A share
// named explicitly is probed too, so one that cannot run here fails before
// anything starts, with the share's own reason.
class ShareSelector {
  public:
    explicit ShareSelector(const plugin_host::PluginRegistry& registry)
        : m_registry(registry), m_catalog(registry) {}

    // Throws std::runtime_error when the requested share cannot run here.
    std::string choose(const std::string& requested, const std::vector<sdk::Export>& exports,
                       const PluginOptions& options = {});

  private:
    std::optional<std::string> probe(const PluginFacts& facts,
                                     const std::vector<sdk::Export>& exports,
                                     const PluginOptions& options);

    const plugin_host::PluginRegistry& m_registry;
    PluginCatalog m_catalog;
    std::map<std::string, std::string> m_auto_choices;  // by the options given
    // Targets running side by side (-j) choose at once: one probes, the
    // others wait for its choice (and never run the same probe twice at once).
    std::mutex m_mutex;
};

}  // namespace vmtest::run
