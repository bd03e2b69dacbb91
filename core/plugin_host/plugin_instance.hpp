#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "plugin_host/plugin_library.hpp"
#include "vmtest/sdk/ops_table.hpp"
#include "vmtest/sdk/plugin.h"

namespace vmtest::plugin_host {

// A plugin call that did not return VMTEST_OK; what() is the plugin's own
// one-line message.
using PluginError = sdk::PluginCallError;

// What the host offers one instance (see vmtest_host_api). Unset callbacks
// mean "never stop" and "drop output".
struct HostCallbacks {
    std::function<bool()> should_stop;
    std::function<void(vmtest_stream, std::string_view)> output;
};

// The result of one call through a plugin's table.
using CallOutcome = sdk::CallOutcome;

// One instance of a plugin: owns the plugin's handle, keeps its library
// loaded, and turns calls through the C tables into C++ calls.
class PluginInstance {
  public:
    PluginInstance(std::shared_ptr<PluginLibrary> library, const nlohmann::json& config,
                   HostCallbacks callbacks);
    ~PluginInstance();
    PluginInstance(const PluginInstance&) = delete;
    PluginInstance& operator=(const PluginInstance&) = delete;

    const PluginLibrary& library() const { return *m_library; }
    // "backend qemu-tcg", for messages.
    std::string label() const;

    // `document` as JSON text for this plugin. Strings that are not UTF-8
    // travel as their U+FFFD text plus a "_base64" sibling with the exact
    // bytes (vmtest/sdk/bytes.hpp, since ABI 1.1). A plugin built for ABI
    // 1.0 knows no such siblings and would silently get the wrong bytes, so
    // for it such a document throws PluginError naming the member.
    std::string document_text(const nlohmann::json& document) const;

    // The kind-specific table (vmtest_backend_ops, ...).
    template <typename Ops> const Ops& ops() const { return *static_cast<const Ops*>(m_ops); }

    // Calls `function(handle, args..., reply)`. A function the plugin's
    // (older, shorter) table does not have yields VMTEST_UNSUPPORTED.
    template <typename Function, typename... Args>
    CallOutcome invoke(Function function, Args... args) {
        sdk::HostReply reply;
        if (!function) {
            return {VMTEST_UNSUPPORTED, nullptr, label() + " does not implement this call"};
        }
        ++m_calls_running;  // a C function: nothing can throw past this
        const vmtest_status status = function(m_handle, args..., &reply);
        --m_calls_running;
        return reply.outcome(status, m_library->descriptor(), label());
    }

    // True while a call of this instance runs: a plugin polling should_stop
    // reenters the host, which must not call the same instance again then.
    bool in_call() const { return m_calls_running > 0; }

    // invoke(), but anything other than VMTEST_OK throws PluginError.
    template <typename Function, typename... Args>
    nlohmann::json call(Function function, Args... args) {
        CallOutcome outcome = invoke(function, args...);
        if (outcome.status != VMTEST_OK) {
            throw PluginError(outcome.status, outcome.error);
        }
        return std::move(outcome.result);
    }

  private:
    struct Services;

    std::shared_ptr<PluginLibrary> m_library;
    std::unique_ptr<Services> m_services;
    vmtest_instance* m_handle = nullptr;
    const void* m_ops = nullptr;
    int m_calls_running = 0;
};

}  // namespace vmtest::plugin_host
