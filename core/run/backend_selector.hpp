#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "plugin_host/plugin_registry.hpp"
#include "run/plugin_catalog.hpp"
#include "run/plugin_options.hpp"
#include "vmtest/sdk/types.hpp"

namespace vmtest::run {

// Resolves a target's `backend` setting to a plugin name. "auto" takes,
// among the backends whose describe fits the VM (arch, kernel formats or,
// for an image, the firmware it boots disks with (ABI 1.3),
// attachments, the options the target gives), the first in descending
// priority (ties by name) whose probe says it can run here: with vmtest's
// own plugins, qemu-kvm when KVM really works (its probe boots the kernel
// briefly and caches the verdict on disk), else qemu-tcg. It warns once for
// each faster backend it passed over, and remembers each verdict for the run.
class BackendSelector {
  public:
    explicit BackendSelector(const plugin_host::PluginRegistry& registry)
        : m_registry(registry), m_catalog(registry) {}

    // Throws std::runtime_error when the requested backend cannot run here.
    std::string choose(const std::string& requested, const sdk::VmSpec& spec,
                       const PluginOptions& options = {});

    // The create config of backend `name` for a target giving `options`.
    nlohmann::json config_for(const std::string& name, const PluginOptions& options) {
        return options.config_for(m_catalog.facts(VMTEST_KIND_BACKEND, name));
    }

  private:
    // Why a backend with `facts` cannot boot `spec` with `options`, or none.
    static std::optional<std::string> misfit(const PluginFacts& facts, const sdk::VmSpec& spec,
                                             const PluginOptions& options);
    std::optional<std::string> probe(const PluginFacts& facts, const sdk::VmSpec& spec,
                                     const PluginOptions& options);

    const plugin_host::PluginRegistry& m_registry;
    PluginCatalog m_catalog;
    // Probe verdicts of this run, by plugin and config.
    std::map<std::pair<std::string, std::string>, std::optional<std::string>> m_verdicts;
    std::set<std::string> m_warned;
    // Targets running side by side (-j) choose at once: one probes, the
    // others wait for its choice (and never run the same probe twice at once).
    std::mutex m_mutex;
};

}  // namespace vmtest::run
