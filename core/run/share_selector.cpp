#include "run/share_selector.hpp"

#include <iostream>

#include <spdlog/spdlog.h>

#include "plugin_host/typed_plugins.hpp"
#include "util/cancellation.hpp"

namespace vmtest::run {

namespace {

// Shown whatever the log level: which share serves the files decides how
// fast they are, and "auto" hides it otherwise.
void notice(const std::string& text) {
    spdlog::info(text);
    if (spdlog::get_level() > spdlog::level::info) {
        std::cerr << "vmtest: " << text << "\n";
    }
}

}  // namespace

std::optional<std::string> ShareSelector::probe(const PluginFacts& facts,
                                                const std::vector<sdk::Export>& exports,
                                                const PluginOptions& options) {
    plugin_host::SharePlugin share(std::make_unique<plugin_host::PluginInstance>(
        m_registry.find(VMTEST_KIND_SHARE, facts.name), options.config_for(facts),
        plugin_host::HostCallbacks{[] { return util::cancellation_requested(); }, {}}));
    return share.probe(exports);
}

std::string ShareSelector::choose(const std::string& requested,
                                  const std::vector<sdk::Export>& exports,
                                  const PluginOptions& options) {
    std::lock_guard lock(m_mutex);
    if (requested != "auto") {
        if (auto failure = probe(m_catalog.facts(VMTEST_KIND_SHARE, requested), exports, options)) {
            throw std::runtime_error("share " + requested + " cannot run here: " + *failure);
        }
        return requested;
    }
    const std::string key = options.given.dump();
    if (const auto chosen = m_auto_choices.find(key); chosen != m_auto_choices.end()) {
        return chosen->second;
    }
    std::string passed_over;
    for (const auto& facts : m_catalog.by_priority(VMTEST_KIND_SHARE)) {
        if (!options.taken_by(facts)) {
            continue;
        }
        if (auto failure = probe(facts, exports, options)) {
            passed_over += (passed_over.empty() ? "" : "; ") + facts.name +
                           " is not usable here: " + *failure;
            continue;
        }
        notice("share auto: using " + facts.name +
               (passed_over.empty() ? "" : " (" + passed_over + ")"));
        m_auto_choices[key] = facts.name;
        return facts.name;
    }
    throw std::runtime_error("no share can run here" +
                             (passed_over.empty() ? std::string(" (none takes the options given)")
                                                  : ": " + passed_over));
}

}  // namespace vmtest::run
