#include "run/backend_selector.hpp"

#include <spdlog/spdlog.h>

#include "plugin_host/typed_plugins.hpp"
#include "util/cancellation.hpp"

namespace vmtest::run {

namespace {

constexpr const char* k_kvm = "qemu-kvm";
constexpr const char* k_tcg = "qemu-tcg";

}  // namespace

std::optional<std::string> BackendSelector::probe(const std::string& name,
                                                  const sdk::VmSpec& spec) {
    plugin_host::BackendPlugin backend(std::make_unique<plugin_host::PluginInstance>(
        m_registry.find(VMTEST_KIND_BACKEND, name), nlohmann::json::object(),
        plugin_host::HostCallbacks{[] { return util::cancellation_requested(); }, {}}));
    return backend.probe(spec);
}

std::string BackendSelector::choose(const std::string& requested, const sdk::VmSpec& spec) {
    std::lock_guard lock(m_mutex);
    if (requested != "auto") {
        if (auto failure = probe(requested, spec)) {
            throw std::runtime_error("backend " + requested + " cannot run here: " + *failure);
        }
        return requested;
    }
    if (m_auto_choice) {
        return *m_auto_choice;
    }
    std::optional<std::string> kvm_failure = "no qemu-kvm plugin";
    if (m_registry.has(VMTEST_KIND_BACKEND, k_kvm)) {
        kvm_failure = probe(k_kvm, spec);
    }
    if (!kvm_failure) {
        m_auto_choice = k_kvm;
    } else {
        spdlog::warn("KVM is not usable here ({}); using TCG software emulation, which is slower",
                     *kvm_failure);
        if (auto failure = probe(k_tcg, spec)) {
            throw std::runtime_error("no backend can run here: KVM: " + *kvm_failure +
                                     "; TCG: " + *failure);
        }
        m_auto_choice = k_tcg;
    }
    spdlog::debug("backend auto chose {}", *m_auto_choice);
    return *m_auto_choice;
}

}  // namespace vmtest::run
