#include "run/backend_selector.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "plugin_host/typed_plugins.hpp"
#include "util/cancellation.hpp"

namespace vmtest::run {

namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

std::optional<std::string> BackendSelector::misfit(const PluginFacts& facts,
                                                   const sdk::VmSpec& spec,
                                                   const PluginOptions& options) {
    if (!facts.arches.empty() && !contains(facts.arches, spec.arch)) {
        return "it does not boot " + spec.arch + " guests";
    }
    if (!facts.kernel_formats.empty() && !spec.kernel_image.empty()) {
        const bool elf = !spec.kernel_elf.empty() && contains(facts.kernel_formats, "elf");
        if (!elf && !contains(facts.kernel_formats, spec.kernel_image_format)) {
            return "it does not boot " + spec.kernel_image_format + " kernels";
        }
    }
    if (!spec.image.empty()) {
        const std::string firmware = spec.uefi ? "uefi" : "bios";
        if (facts.disk_firmwares.empty()) {
            return "it boots kernels only, not disk images (its describe declares no "
                   "disk_firmwares; a backend built before vmtest's ABI 1.3 never does)";
        }
        if (!contains(facts.disk_firmwares, firmware)) {
            return "it does not boot disk images with " +
                   std::string(spec.uefi ? "UEFI" : "a BIOS");
        }
    }
    for (const auto& attachment : spec.attachments) {
        if (!contains(facts.attachments, attachment.type)) {
            return "it cannot attach '" + attachment.type + "' shares";
        }
    }
    if (!options.taken_by(facts)) {
        return "it does not take every option given in backend_options";
    }
    return std::nullopt;
}

std::optional<std::string> BackendSelector::probe(const PluginFacts& facts,
                                                  const sdk::VmSpec& spec,
                                                  const PluginOptions& options) {
    const nlohmann::json config = options.config_for(facts);
    const auto key = std::make_pair(facts.name, config.dump());
    if (const auto known = m_verdicts.find(key); known != m_verdicts.end()) {
        return known->second;
    }
    plugin_host::BackendPlugin backend(std::make_unique<plugin_host::PluginInstance>(
        m_registry.find(VMTEST_KIND_BACKEND, facts.name), config,
        plugin_host::HostCallbacks{[] { return util::cancellation_requested(); }, {}}));
    auto verdict = backend.probe(spec);
    m_verdicts[key] = verdict;
    return verdict;
}

std::string BackendSelector::choose(const std::string& requested, const sdk::VmSpec& spec,
                                    const PluginOptions& options) {
    std::lock_guard lock(m_mutex);
    if (requested != "auto") {
        const auto& facts = m_catalog.facts(VMTEST_KIND_BACKEND, requested);
        auto failure = misfit(facts, spec, options);
        if (!failure) {
            failure = probe(facts, spec, options);
        }
        if (failure) {
            throw std::runtime_error("backend " + requested + " cannot run here: " + *failure);
        }
        return requested;
    }
    std::vector<std::pair<std::string, std::string>> passed_over;  // name, why
    std::vector<std::pair<std::string, std::string>> misfits;
    for (const auto& facts : m_catalog.by_priority(VMTEST_KIND_BACKEND)) {
        if (const auto reason = misfit(facts, spec, options)) {
            spdlog::debug("backend auto: not {}: {}", facts.name, *reason);
            misfits.emplace_back(facts.name, *reason);
            continue;
        }
        if (auto failure = probe(facts, spec, options)) {
            passed_over.emplace_back(facts.name, *failure);
            continue;
        }
        // Said once per run: every target would say the same.
        for (const auto& [name, why] : passed_over) {
            if (m_warned.insert(name + "\n" + facts.name).second) {
                spdlog::warn("{} is not usable here ({}); using {} instead", name, why,
                             facts.name);
            }
        }
        spdlog::debug("backend auto chose {}", facts.name);
        return facts.name;
    }
    std::string reasons;
    passed_over.insert(passed_over.end(), misfits.begin(), misfits.end());
    for (const auto& [name, why] : passed_over) {
        reasons += (reasons.empty() ? "" : "; ") + name + ": " + why;
    }
    throw std::runtime_error("no backend can run here" +
                             (reasons.empty() ? std::string(" (no backend plugin found)")
                                              : ": " + reasons));
}

}  // namespace vmtest::run
