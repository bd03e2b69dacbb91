#include "plugin_host/plugin_instance.hpp"

#include <spdlog/spdlog.h>


namespace vmtest::plugin_host {

// Owns the vmtest_host_api handed to the plugin; its address must stay
// fixed for the instance's lifetime, hence the separate allocation.
struct PluginInstance::Services {
    vmtest_host_api api{};
    HostCallbacks callbacks;
    std::string label;

    static void log(void* context, int level, const char* message) {
        auto* self = static_cast<Services*>(context);
        const auto text = fmt::format("{}: {}", self->label, message ? message : "");
        switch (level) {
        case VMTEST_LOG_ERROR:
            spdlog::error(text);
            break;
        case VMTEST_LOG_WARN:
            spdlog::warn(text);
            break;
        case VMTEST_LOG_INFO:
            spdlog::info(text);
            break;
        default:
            spdlog::debug(text);
        }
    }
    static int should_stop(void* context) {
        auto* self = static_cast<Services*>(context);
        return self->callbacks.should_stop && self->callbacks.should_stop() ? 1 : 0;
    }
    static void output(void* context, int stream, const char* data, size_t size) {
        auto* self = static_cast<Services*>(context);
        if (self->callbacks.output && data) {
            self->callbacks.output(static_cast<vmtest_stream>(stream), std::string_view(data, size));
        }
    }
};

PluginInstance::PluginInstance(std::shared_ptr<PluginLibrary> library,
                               const nlohmann::json& config, HostCallbacks callbacks)
    : m_library(std::move(library)), m_services(std::make_unique<Services>()) {
    m_services->callbacks = std::move(callbacks);
    m_services->label = label();
    m_services->api.struct_size = sizeof(vmtest_host_api);
    m_services->api.context = m_services.get();
    m_services->api.log = Services::log;
    m_services->api.should_stop = Services::should_stop;
    m_services->api.output = Services::output;

    const auto& descriptor = m_library->descriptor();
    const std::string text = document_text(config);
    sdk::HostReply reply;
    const vmtest_status status =
        descriptor.create(&m_services->api, text.c_str(), &m_handle, &reply);
    if (status != VMTEST_OK || !m_handle) {
        throw PluginError(status == VMTEST_OK ? VMTEST_ERROR : status,
                          label() + ": " + reply.outcome(status, descriptor, label()).error);
    }
    m_ops = descriptor.ops;
}

PluginInstance::~PluginInstance() {
    if (m_handle) {
        m_library->descriptor().destroy(m_handle);
    }
}

std::string PluginInstance::document_text(const nlohmann::json& document) const {
    return sdk::document_text(document, m_library->descriptor(), label());
}

std::string PluginInstance::label() const {
    return std::string(kind_name(m_library->kind())) + " " + m_library->name();
}

}  // namespace vmtest::plugin_host
