#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "plugin_host/plugin_registry.hpp"
#include "vmtest/sdk/types.hpp"

namespace vmtest::run {

// What a plugin says of itself in its describe reply that decides whether
// and when vmtest picks it (Since ABI 1.2; a 1.0/1.1 plugin says none of it
// and gets the defaults: priority sdk::k_default_priority, any arch, any
// kernel format, no options).
struct PluginFacts {
    std::string name;
    int priority = sdk::k_default_priority;
    std::vector<std::string> arches;         // backends; empty: any
    std::vector<std::string> kernel_formats; // backends; empty: any
    std::vector<std::string> attachments;    // backends: what they can attach
    // Backends, Since ABI 1.3: "bios", "uefi" for the firmwares they boot
    // disk images with; empty: no image targets.
    std::vector<std::string> disk_firmwares;
    sdk::OptionSpecs options;
};

// The facts of the registry's plugins, each asked once (from an instance
// created with an empty config) and kept for the run.
class PluginCatalog {
  public:
    explicit PluginCatalog(const plugin_host::PluginRegistry& registry) : m_registry(registry) {}

    // Throws PluginLoadError for an unknown plugin, PluginError when its
    // describe fails. Reporters have no describe: their facts are the defaults.
    const PluginFacts& facts(uint32_t kind, const std::string& name);

    // Every plugin of `kind` whose describe answers, highest priority first,
    // ties broken by name (so the order is the same on every run).
    std::vector<PluginFacts> by_priority(uint32_t kind);

  private:
    const plugin_host::PluginRegistry& m_registry;
    std::mutex m_mutex;
    std::map<std::pair<uint32_t, std::string>, PluginFacts> m_facts;
};

} // namespace vmtest::run
