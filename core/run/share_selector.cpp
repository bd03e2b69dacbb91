#include "run/share_selector.hpp"

#include <iostream>

#include <spdlog/spdlog.h>

#include "plugin_host/typed_plugins.hpp"
#include "util/cancellation.hpp"

namespace vmtest::run {

namespace {

constexpr const char* k_virtiofs = "virtiofs";
constexpr const char* k_9p = "9p";

// Shown whatever the log level: which share serves the files decides how
// fast they are, and "auto" hides it otherwise.
void notice(const std::string& text) {
    spdlog::info(text);
    if (spdlog::get_level() > spdlog::level::info) {
        std::cerr << "vmtest: " << text << "\n";
    }
}

}  // namespace

std::optional<std::string> ShareSelector::probe(const std::string& name,
                                                const std::vector<sdk::Export>& exports) {
    plugin_host::SharePlugin share(std::make_unique<plugin_host::PluginInstance>(
        m_registry.find(VMTEST_KIND_SHARE, name), nlohmann::json::object(),
        plugin_host::HostCallbacks{[] { return util::cancellation_requested(); }, {}}));
    return share.probe(exports);
}

std::string ShareSelector::choose(const std::string& requested,
                                  const std::vector<sdk::Export>& exports) {
    std::lock_guard lock(m_mutex);
    if (requested != "auto") {
        if (auto failure = probe(requested, exports)) {
            throw std::runtime_error("share " + requested + " cannot run here: " + *failure);
        }
        return requested;
    }
    if (m_auto_choice) {
        return *m_auto_choice;
    }
    std::optional<std::string> virtiofs_failure = "no virtiofs plugin";
    if (m_registry.has(VMTEST_KIND_SHARE, k_virtiofs)) {
        virtiofs_failure = probe(k_virtiofs, exports);
    }
    if (!virtiofs_failure) {
        m_auto_choice = k_virtiofs;
        notice("share auto: using virtiofs");
    } else {
        m_auto_choice = k_9p;
        notice("share auto: using 9p (virtiofs is not usable here: " + *virtiofs_failure + ")");
    }
    return *m_auto_choice;
}

}  // namespace vmtest::run
