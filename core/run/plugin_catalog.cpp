#include "run/plugin_catalog.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "plugin_host/typed_plugins.hpp"
#include "util/cancellation.hpp"

namespace vmtest::run {

namespace {

PluginFacts describe(const plugin_host::PluginRegistry& registry, uint32_t kind,
                     const std::string& name) {
    auto instance = std::make_unique<plugin_host::PluginInstance>(
        registry.find(kind, name), nlohmann::json::object(),
        plugin_host::HostCallbacks{[] { return util::cancellation_requested(); }, {}});
    PluginFacts facts;
    facts.name = name;
    switch (kind) {
    case VMTEST_KIND_BACKEND: {
        const auto d = plugin_host::BackendPlugin(std::move(instance)).describe();
        facts.priority = d.priority;
        facts.arches = d.arches;
        facts.kernel_formats = d.kernel_formats;
        facts.attachments = d.attachments;
        facts.disk_firmwares = d.disk_firmwares;
        facts.options = d.options;
        break;
    }
    case VMTEST_KIND_SHARE: {
        const auto d = plugin_host::SharePlugin(std::move(instance)).describe();
        facts.priority = d.priority;
        facts.options = d.options;
        break;
    }
    case VMTEST_KIND_RUNNER: {
        facts.options = plugin_host::RunnerPlugin(std::move(instance)).describe().options;
        break;
    }
    default:
        break;
    }
    return facts;
}

} // namespace

const PluginFacts& PluginCatalog::facts(uint32_t kind, const std::string& name) {
    const std::lock_guard lock(m_mutex);
    const auto key = std::make_pair(kind, name);
    auto found = m_facts.find(key);
    if (found == m_facts.end()) {
        found = m_facts.emplace(key, describe(m_registry, kind, name)).first;
    }
    return found->second;
}

std::vector<PluginFacts> PluginCatalog::by_priority(uint32_t kind) {
    std::vector<PluginFacts> all;
    for (const auto& plugin : m_registry.plugins()) {
        if (plugin->kind() != kind) {
            continue;
        }
        try {
            all.push_back(facts(kind, plugin->name()));
        } catch (const std::exception& e) {
            // One broken plugin must not stop "auto" from using the others.
            spdlog::warn("{} {}: describe failed ({}); not considered for auto",
                         plugin_host::kind_name(kind), plugin->name(), e.what());
        }
    }
    std::stable_sort(all.begin(), all.end(), [](const PluginFacts& a, const PluginFacts& b) {
        return a.priority != b.priority ? a.priority > b.priority : a.name < b.name;
    });
    return all;
}

} // namespace vmtest::run
