// A fake vmtest host, to unit-test a plugin without vmtest. Since ABI 1.2.
// Header-only, C++17; link vmtest::sdk-testing (vmtest::sdk plus the
// loader's library, for dlopen). See sdk/README.md, "Testing your plugin".
//
//   FakeHost host;                                  // records logs and output
//   auto plugin = LoadedPlugin::from_entry(vmtest_plugin_entry);  // or ::open("x.so")
//   FakeInstance reporter(plugin, host, {{"path", "/tmp/report.txt"}});
//   CallResult r = reporter.event({{"type", "run_started"}, {"targets", {"a"}}});
//   assert(r.ok());
//
// It calls the plugin as vmtest does: documents go out as JSON text with
// the `_base64` convention (refused for an ABI 1.0 plugin, as vmtest does),
// replies come back parsed and decoded, a descriptor is refused with
// vmtest's own line (vmtest/sdk/ops_table.hpp), and an optional entry that
// is NULL or beyond its table's struct_size is "not provided": the call
// returns what vmtest assumes then (usable, healthy, nothing to flush) with
// `provided` false.
#pragma once

#include <dlfcn.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "vmtest/sdk/ops_table.hpp"
#include "vmtest/sdk/plugin.hpp"

namespace vmtest::sdk::testing {

// A descriptor vmtest would refuse, a create that failed, a document the
// plugin cannot be sent, or a call its kind does not have; what() is the
// line vmtest would show, status() the status.
using FakeHostError = PluginCallError;

// The host's services (vmtest_host_api): records every log line and output
// chunk, and says "stop" once told to. Safe to use from several threads (a
// backend's stop may run while wait blocks). Lives at a fixed address.
class FakeHost {
  public:
    struct LogLine {
        int level;  // vmtest_log_level
        std::string message;
    };
    struct Chunk {
        int stream;  // vmtest_stream
        std::string data;
        friend bool operator==(const Chunk& a, const Chunk& b) {
            return a.stream == b.stream && a.data == b.data;
        }
    };

    FakeHost() {
        m_api.struct_size = sizeof(m_api);
        m_api.context = this;
        m_api.log = [](void* context, int level, const char* message) {
            auto* self = static_cast<FakeHost*>(context);
            std::lock_guard<std::mutex> lock(self->m_mutex);
            self->m_logs.push_back({level, message ? message : ""});
        };
        m_api.should_stop = [](void* context) {
            auto* self = static_cast<FakeHost*>(context);
            return self->m_stop || Clock::now().time_since_epoch().count() >= self->m_stop_at ? 1
                                                                                            : 0;
        };
        m_api.output = [](void* context, int stream, const char* data, size_t size) {
            auto* self = static_cast<FakeHost*>(context);
            std::lock_guard<std::mutex> lock(self->m_mutex);
            self->m_chunks.push_back({stream, std::string(data ? data : "", data ? size : 0)});
        };
    }
    FakeHost(const FakeHost&) = delete;
    FakeHost& operator=(const FakeHost&) = delete;

    // For a plugin's create, or for a plugin class constructed directly.
    const vmtest_host_api* api() const { return &m_api; }
    Host host() const { return Host(&m_api); }

    // should_stop() answers `stop` from now on.
    void set_should_stop(bool stop) {
        m_stop = stop;
        if (!stop) {
            m_stop_at = k_never;
        }
    }
    // should_stop() turns true `delay` from now (to stop a call that blocks).
    void stop_after(std::chrono::milliseconds delay) {
        m_stop_at = (Clock::now() + delay).time_since_epoch().count();
    }

    std::vector<LogLine> logs() const {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_logs;
    }
    // The messages of logs(), in order.
    std::vector<std::string> log_messages() const {
        std::vector<std::string> messages;
        for (const auto& line : logs()) {
            messages.push_back(line.message);
        }
        return messages;
    }
    // Every output chunk, in order, as the plugin cut it.
    std::vector<Chunk> chunks() const {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_chunks;
    }
    // One stream's chunks put together.
    std::string output(int stream) const {
        std::string text;
        for (const auto& chunk : chunks()) {
            if (chunk.stream == stream) {
                text += chunk.data;
            }
        }
        return text;
    }

  private:
    using Clock = std::chrono::steady_clock;
    static constexpr Clock::rep k_never = Clock::time_point::max().time_since_epoch().count();

    vmtest_host_api m_api{};
    std::atomic<bool> m_stop{false};
    std::atomic<Clock::rep> m_stop_at{k_never};
    mutable std::mutex m_mutex;
    std::vector<LogLine> m_logs;
    std::vector<Chunk> m_chunks;
};

// A plugin's descriptor, checked as vmtest checks it when it loads one.
class LoadedPlugin {
  public:
    // The entry point linked into the test (`vmtest_plugin_entry`).
    static LoadedPlugin from_entry(vmtest_plugin_entry_fn entry) {
        return LoadedPlugin(nullptr, entry(), "entry point");
    }
    // A built plugin, loaded as vmtest loads it (RTLD_NOW | RTLD_LOCAL).
    static LoadedPlugin open(const std::string& path) {
        void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            const char* message = ::dlerror();
            throw FakeHostError(VMTEST_ERROR, "plugin " + path + ": cannot load: " +
                                                  (message ? message : "unknown loader error"));
        }
        std::shared_ptr<void> library(handle, [](void* h) { ::dlclose(h); });
        const auto entry = reinterpret_cast<vmtest_plugin_entry_fn>(
            ::dlsym(handle, VMTEST_PLUGIN_ENTRY_SYMBOL));
        if (!entry) {
            throw FakeHostError(VMTEST_ERROR, "plugin " + path + ": does not export " +
                                                  VMTEST_PLUGIN_ENTRY_SYMBOL +
                                                  "; is it a vmtest plugin?");
        }
        return LoadedPlugin(std::move(library), entry(), path);
    }

    const vmtest_plugin_descriptor& descriptor() const { return *m_descriptor; }
    // "backend qemu-tcg", as vmtest names it in messages.
    std::string label() const {
        return std::string(kind_name(m_descriptor->kind)) + " " + m_descriptor->name;
    }

  private:
    LoadedPlugin(std::shared_ptr<void> library, const vmtest_plugin_descriptor* descriptor,
                 const std::string& where)
        : m_library(std::move(library)), m_descriptor(descriptor) {
        if (const std::string problem = descriptor_problem(descriptor); !problem.empty()) {
            throw FakeHostError(VMTEST_ERROR, "plugin " + where + ": " + problem);
        }
    }

    std::shared_ptr<void> m_library;  // keeps a dlopen()ed plugin loaded
    const vmtest_plugin_descriptor* m_descriptor;
};

// What one call returned: status, reply document (`result`, null when
// none) and the plugin's line (`error`).
struct CallResult : CallOutcome {
    // False when the entry is optional and not provided (NULL or beyond
    // struct_size): status is then what vmtest assumes for it.
    bool provided = true;
    bool ok() const { return status == VMTEST_OK; }
};

// One instance of a plugin, created with a config and called as vmtest
// calls it. Calls of another kind's table throw FakeHostError.
class FakeInstance {
  public:
    // Throws FakeHostError (create's status and line) when create fails.
    FakeInstance(LoadedPlugin plugin, FakeHost& host,
                 const nlohmann::json& config = nlohmann::json::object())
        : m_plugin(std::move(plugin)) {
        const auto& d = m_plugin.descriptor();
        const std::string text = document_text(config);
        HostReply reply;
        const vmtest_status status = d.create(host.api(), text.c_str(), &m_handle, &reply);
        if (status != VMTEST_OK || !m_handle) {
            throw FakeHostError(status == VMTEST_OK ? VMTEST_ERROR : status,
                                m_plugin.label() + ": " +
                                    reply.outcome(status, d, m_plugin.label()).error);
        }
    }
    ~FakeInstance() { m_plugin.descriptor().destroy(m_handle); }
    FakeInstance(const FakeInstance&) = delete;
    FakeInstance& operator=(const FakeInstance&) = delete;

    const LoadedPlugin& plugin() const { return m_plugin; }

    // Backend, share and runner.
    CallResult describe() {
        switch (m_plugin.descriptor().kind) {
        case VMTEST_KIND_BACKEND:
            return call(&vmtest_backend_ops::describe);
        case VMTEST_KIND_SHARE:
            return call(&vmtest_share_ops::describe);
        case VMTEST_KIND_RUNNER:
            return call(&vmtest_runner_ops::describe);
        default:
            throw wrong_kind("backend, share or runner");
        }
    }
    // Backend (a VM spec) and share (an exports array). Not provided: usable.
    CallResult probe(const nlohmann::json& document) {
        const std::string text = document_text(document);
        if (m_plugin.descriptor().kind == VMTEST_KIND_SHARE) {
            return call(&vmtest_share_ops::probe, text.c_str());
        }
        return call(&vmtest_backend_ops::probe, text.c_str());
    }

    // Backend.
    CallResult start(const nlohmann::json& vm_spec) {
        return call(&vmtest_backend_ops::start, document_text(vm_spec).c_str());
    }
    CallResult wait(int32_t timeout_ms) { return call(&vmtest_backend_ops::wait, timeout_ms); }
    // May be called from another thread while wait() blocks, as vmtest does.
    CallResult stop(int32_t grace_ms) { return call(&vmtest_backend_ops::stop, grace_ms); }

    // Share.
    CallResult prepare(const nlohmann::json& exports) {
        return call(&vmtest_share_ops::prepare, document_text(exports).c_str());
    }
    // Not provided: healthy.
    CallResult health() { return call(&vmtest_share_ops::health); }
    CallResult release() { return call(&vmtest_share_ops::release); }

    // Runner.
    CallResult connect(const nlohmann::json& channels) {
        return call(&vmtest_runner_ops::connect, document_text(channels).c_str());
    }
    CallResult run(const nlohmann::json& command) {
        return call(&vmtest_runner_ops::run, document_text(command).c_str());
    }

    // Reporter. finish not provided: nothing to flush.
    CallResult event(const nlohmann::json& event) {
        return call(&vmtest_reporter_ops::event, document_text(event).c_str());
    }
    CallResult finish() { return call(&vmtest_reporter_ops::finish); }

  private:
    // `document` as vmtest sends it (the `_base64` convention).
    std::string document_text(const nlohmann::json& document) const {
        return sdk::document_text(document, m_plugin.descriptor(), m_plugin.label());
    }

    template <typename Ops> static constexpr uint32_t kind_of() {
        if constexpr (std::is_same_v<Ops, vmtest_backend_ops>) {
            return VMTEST_KIND_BACKEND;
        } else if constexpr (std::is_same_v<Ops, vmtest_share_ops>) {
            return VMTEST_KIND_SHARE;
        } else if constexpr (std::is_same_v<Ops, vmtest_runner_ops>) {
            return VMTEST_KIND_RUNNER;
        } else {
            return VMTEST_KIND_REPORTER;
        }
    }

    FakeHostError wrong_kind(const std::string& expected) const {
        return FakeHostError(VMTEST_ERROR, m_plugin.label() + " is not a " + expected);
    }

    // Calls `member` of the plugin's table; the loader already refused a
    // table without its required entries, so a missing one is optional.
    template <typename Ops, typename Function, typename... Args>
    CallResult call(Function Ops::*member, Args... args) {
        const auto& d = m_plugin.descriptor();
        if (d.kind != kind_of<Ops>()) {
            throw wrong_kind(kind_name(kind_of<Ops>()));
        }
        const Function function = entry(*static_cast<const Ops*>(d.ops), member);
        CallResult result;
        if (!function) {
            result.provided = false;
            return result;
        }
        HostReply reply;
        const vmtest_status status = function(m_handle, args..., &reply);
        static_cast<CallOutcome&>(result) = reply.outcome(status, d, m_plugin.label());
        return result;
    }

    LoadedPlugin m_plugin;
    vmtest_instance* m_handle = nullptr;
};

}  // namespace vmtest::sdk::testing
