#include "plugin_host/typed_plugins.hpp"

#include "vmtest/sdk/ops_table.hpp"

namespace vmtest::plugin_host {

using sdk::entry;

BackendPlugin::BackendPlugin(std::unique_ptr<PluginInstance> instance)
    : m_instance(std::move(instance)), m_ops(m_instance->ops<vmtest_backend_ops>()) {}

sdk::BackendDescription BackendPlugin::describe() {
    return m_instance->call(entry(m_ops, &vmtest_backend_ops::describe))
        .get<sdk::BackendDescription>();
}

std::optional<std::string> BackendPlugin::probe(const sdk::VmSpec& spec) {
    const auto function = entry(m_ops, &vmtest_backend_ops::probe);
    if (!function) {
        return std::nullopt;  // NULL: no probe, usable wherever describe fits (plugin.h)
    }
    const std::string text = m_instance->document_text(spec);
    const auto outcome = m_instance->invoke(function, text.c_str());
    if (outcome.status == VMTEST_OK) {
        return std::nullopt;
    }
    if (outcome.status == VMTEST_CANCELLED) {
        // Interrupted (Ctrl-C): no verdict on the backend, and no reason to
        // try another one.
        throw PluginError(outcome.status, outcome.error);
    }
    return outcome.error;
}

void BackendPlugin::start(const sdk::VmSpec& spec) {
    const std::string text = m_instance->document_text(spec);
    m_instance->call(entry(m_ops, &vmtest_backend_ops::start), text.c_str());
}

std::optional<sdk::VmExit> BackendPlugin::wait(std::chrono::milliseconds timeout) {
    const auto outcome = m_instance->invoke(entry(m_ops, &vmtest_backend_ops::wait),
                                            static_cast<int32_t>(timeout.count()));
    if (outcome.status == VMTEST_TIMEOUT) {
        return std::nullopt;
    }
    if (outcome.status != VMTEST_OK) {
        throw PluginError(outcome.status, outcome.error);
    }
    return outcome.result.get<sdk::VmExit>();
}

void BackendPlugin::stop(std::chrono::milliseconds grace) {
    m_instance->call(entry(m_ops, &vmtest_backend_ops::stop), static_cast<int32_t>(grace.count()));
}

SharePlugin::SharePlugin(std::unique_ptr<PluginInstance> instance)
    : m_instance(std::move(instance)), m_ops(m_instance->ops<vmtest_share_ops>()) {}

sdk::ShareDescription SharePlugin::describe() {
    return m_instance->call(entry(m_ops, &vmtest_share_ops::describe))
        .get<sdk::ShareDescription>();
}

std::optional<std::string> SharePlugin::probe(const std::vector<sdk::Export>& exports) {
    const auto function = entry(m_ops, &vmtest_share_ops::probe);
    if (!function) {
        return std::nullopt;  // NULL: no probe, always usable (plugin.h)
    }
    const std::string text = m_instance->document_text(exports);
    const auto outcome = m_instance->invoke(function, text.c_str());
    if (outcome.status == VMTEST_OK) {
        return std::nullopt;
    }
    if (outcome.status == VMTEST_CANCELLED) {
        throw PluginError(outcome.status, outcome.error);  // no verdict, as for backends
    }
    return outcome.error;
}

sdk::PreparedShare SharePlugin::prepare(const std::vector<sdk::Export>& exports) {
    const std::string text = m_instance->document_text(exports);
    return m_instance->call(entry(m_ops, &vmtest_share_ops::prepare), text.c_str())
        .get<sdk::PreparedShare>();
}

void SharePlugin::release() { m_instance->call(entry(m_ops, &vmtest_share_ops::release)); }

std::optional<std::string> SharePlugin::health() {
    const auto function = entry(m_ops, &vmtest_share_ops::health);
    if (!function || m_instance->in_call()) {
        return std::nullopt;  // nothing to watch, or asked from inside a call of its own
    }
    const auto outcome = m_instance->invoke(function);
    if (outcome.status == VMTEST_OK) {
        return std::nullopt;
    }
    return outcome.error;
}

RunnerPlugin::RunnerPlugin(std::unique_ptr<PluginInstance> instance)
    : m_instance(std::move(instance)), m_ops(m_instance->ops<vmtest_runner_ops>()) {}

sdk::RunnerDescription RunnerPlugin::describe() {
    return m_instance->call(entry(m_ops, &vmtest_runner_ops::describe))
        .get<sdk::RunnerDescription>();
}

void RunnerPlugin::connect(const std::vector<sdk::Channel>& channels) {
    const std::string text = m_instance->document_text(channels);
    m_instance->call(entry(m_ops, &vmtest_runner_ops::connect), text.c_str());
}

void RunnerPlugin::check_command(const sdk::Command& command) const {
    (void)m_instance->document_text(command);
}

sdk::CommandResult RunnerPlugin::run(const sdk::Command& command) {
    const std::string text = m_instance->document_text(command);
    return m_instance->call(entry(m_ops, &vmtest_runner_ops::run), text.c_str())
        .get<sdk::CommandResult>();
}

ReporterPlugin::ReporterPlugin(std::unique_ptr<PluginInstance> instance)
    : m_instance(std::move(instance)), m_ops(m_instance->ops<vmtest_reporter_ops>()) {}

void ReporterPlugin::event(const nlohmann::json& event) {
    // Events are text for reporters (an output event carries its exact bytes
    // in data_base64 itself); anything else that is not UTF-8 becomes U+FFFD.
    const std::string text = event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    m_instance->call(entry(m_ops, &vmtest_reporter_ops::event), text.c_str());
}

void ReporterPlugin::finish() {
    if (const auto function = entry(m_ops, &vmtest_reporter_ops::finish)) {
        m_instance->call(function);
    }  // NULL: nothing to flush
}

}  // namespace vmtest::plugin_host
