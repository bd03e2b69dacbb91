// C++ wrapper for writing vmtest plugins.
//
// Header-only and compiled into the plugin, so nothing C++ crosses the
// shared-object boundary: the host only sees the C ABI of plugin.h. Write a
// class deriving from one of Backend, Share, Runner or Reporter, give it a
// constructor `(vmtest::sdk::Host host, const nlohmann::json& config)`, and
// name it once in a VMTEST_*_PLUGIN macro:
//
//     class MyBackend : public vmtest::sdk::Backend { ... };
//     VMTEST_BACKEND_PLUGIN(MyBackend, "my-backend", "1.0.0", "Boots VMs on ...")
//
// Throw vmtest::sdk::Error (or any std::exception) to fail a call: the macro
// catches it at the boundary and hands its message to the host.
//
// Strings in the typed documents (and the config) are exact bytes: the
// wrapper encodes and decodes the "_base64" form of bytes that are not UTF-8
// (bytes.hpp) on both ways, so a path or an environment entry arrives as the
// host had it and a reply reaches the host as the plugin wrote it.
#pragma once

#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "vmtest/sdk/bytes.hpp"
#include "vmtest/sdk/events.hpp"
#include "vmtest/sdk/plugin.h"
#include "vmtest/sdk/types.hpp"

namespace vmtest::sdk {

// A failed call, with the status the host should see.
class Error : public std::runtime_error {
  public:
    explicit Error(const std::string& message, vmtest_status status = VMTEST_ERROR)
        : std::runtime_error(message), m_status(status) {}
    vmtest_status status() const { return m_status; }

  private:
    vmtest_status m_status;
};

inline Error unsupported(const std::string& message) { return Error(message, VMTEST_UNSUPPORTED); }
inline Error timed_out(const std::string& message) { return Error(message, VMTEST_TIMEOUT); }
inline Error cancelled(const std::string& message) { return Error(message, VMTEST_CANCELLED); }

// The host's services, as given to the plugin's constructor.
class Host {
  public:
    explicit Host(const vmtest_host_api* api) : m_api(api) {}

    void log(vmtest_log_level level, const std::string& message) const {
        m_api->log(m_api->context, level, message.c_str());
    }
    void debug(const std::string& message) const { log(VMTEST_LOG_DEBUG, message); }
    void info(const std::string& message) const { log(VMTEST_LOG_INFO, message); }
    void warn(const std::string& message) const { log(VMTEST_LOG_WARN, message); }

    // True once the plugin should abandon what it waits for.
    bool should_stop() const { return m_api->should_stop(m_api->context) != 0; }

    void output(vmtest_stream stream, std::string_view data) const {
        m_api->output(m_api->context, stream, data.data(), data.size());
    }

  private:
    const vmtest_host_api* m_api;
};

class Plugin {
  public:
    virtual ~Plugin() = default;
};

class Backend : public Plugin {
  public:
    virtual BackendDescription describe() = 0;
    // Throw unsupported(reason) when this host cannot run `spec`.
    virtual void probe(const VmSpec& spec) { (void)spec; }
    virtual void start(const VmSpec& spec) = 0;
    // nullopt while the VM still runs after `timeout` (negative: wait forever).
    virtual std::optional<VmExit> wait(std::chrono::milliseconds timeout) = 0;
    virtual void stop(std::chrono::milliseconds grace) = 0;
};

class Share : public Plugin {
  public:
    virtual ShareDescription describe() = 0;
    // Throw unsupported(reason) when this host cannot serve `exports`
    // (vmtest's share "auto" then uses another share). Must leave nothing running.
    virtual void probe(const std::vector<Export>& exports) { (void)exports; }
    virtual PreparedShare prepare(const std::vector<Export>& exports) = 0;
    virtual void release() = 0;
    // Since 1.1. Throw Error("<helper> serving <path> exited with status N")
    // once a helper that prepare() started died while the VM needs it. Called
    // often while the VM runs: return at once. The default: nothing to watch.
    virtual void health() {}
};

class Runner : public Plugin {
  public:
    virtual RunnerDescription describe() = 0;
    virtual void connect(const std::vector<Channel>& channels) = 0;
    virtual CommandResult run(const Command& command) = 0;
};

class Reporter : public Plugin {
  public:
    virtual void event(const nlohmann::json& event) = 0;
    virtual void finish() = 0;
};

namespace detail {

// A document the host passed in, with byte strings restored to their exact
// bytes (see bytes.hpp): what the typed calls and `create` hand the plugin.
inline nlohmann::json parse_document(const char* text) {
    nlohmann::json document = nlohmann::json::parse(text);
    decode_byte_strings(document);
    return document;
}

// Runs `body`, turning its result or exception into a status and a reply.
template <typename Body> vmtest_status guarded(vmtest_reply* reply, Body&& body) {
    try {
        if constexpr (std::is_void_v<decltype(body())>) {
            body();
        } else {
            nlohmann::json result = body();
            // Bytes that are not UTF-8 travel in "_base64" siblings; the
            // replace handler only still matters for object keys.
            encode_byte_strings(result);
            const std::string text =
                result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            reply->set_json(reply, text.c_str());
        }
        return VMTEST_OK;
    } catch (const Error& e) {
        reply->set_error(reply, e.what());
        return e.status();
    } catch (const std::exception& e) {
        reply->set_error(reply, e.what());
        return VMTEST_ERROR;
    } catch (...) {
        reply->set_error(reply, "unknown exception in plugin");
        return VMTEST_ERROR;
    }
}

template <typename T> T& self(vmtest_instance* instance) { return *reinterpret_cast<T*>(instance); }

template <typename T>
vmtest_status create(const vmtest_host_api* host, const char* config, vmtest_instance** out,
                     vmtest_reply* reply) {
    *out = nullptr;
    return guarded(reply, [&] {
        auto* instance = new T(Host(host), parse_document(config));
        *out = reinterpret_cast<vmtest_instance*>(instance);
    });
}

template <typename T> void destroy(vmtest_instance* instance) noexcept {
    delete reinterpret_cast<T*>(instance);
}

template <typename T> struct BackendTable {
    static vmtest_status describe(vmtest_instance* s, vmtest_reply* r) {
        return guarded(r, [&] { return nlohmann::json(self<T>(s).describe()); });
    }
    static vmtest_status probe(vmtest_instance* s, const char* spec, vmtest_reply* r) {
        return guarded(r, [&] { self<T>(s).probe(parse_document(spec).get<VmSpec>()); });
    }
    static vmtest_status start(vmtest_instance* s, const char* spec, vmtest_reply* r) {
        return guarded(r, [&] { self<T>(s).start(parse_document(spec).get<VmSpec>()); });
    }
    static vmtest_status wait(vmtest_instance* s, int32_t timeout_ms, vmtest_reply* r) {
        std::optional<VmExit> exit;
        const vmtest_status status = guarded(r, [&] {
            exit = self<T>(s).wait(std::chrono::milliseconds(timeout_ms));
            return exit ? nlohmann::json(*exit) : nlohmann::json::object();
        });
        return status == VMTEST_OK && !exit ? VMTEST_TIMEOUT : status;
    }
    static vmtest_status stop(vmtest_instance* s, int32_t grace_ms, vmtest_reply* r) {
        return guarded(r, [&] { self<T>(s).stop(std::chrono::milliseconds(grace_ms)); });
    }
    static constexpr vmtest_backend_ops ops{sizeof(vmtest_backend_ops), describe, probe, start,
                                            wait, stop};
};

template <typename T> struct ShareTable {
    static vmtest_status describe(vmtest_instance* s, vmtest_reply* r) {
        return guarded(r, [&] { return nlohmann::json(self<T>(s).describe()); });
    }
    static vmtest_status prepare(vmtest_instance* s, const char* exports, vmtest_reply* r) {
        return guarded(r, [&] {
            const auto list = parse_document(exports).get<std::vector<Export>>();
            return nlohmann::json(self<T>(s).prepare(list));
        });
    }
    static vmtest_status release(vmtest_instance* s, vmtest_reply* r) {
        return guarded(r, [&] { self<T>(s).release(); });
    }
    static vmtest_status probe(vmtest_instance* s, const char* exports, vmtest_reply* r) {
        return guarded(r, [&] {
            self<T>(s).probe(parse_document(exports).get<std::vector<Export>>());
        });
    }
    static vmtest_status health(vmtest_instance* s, vmtest_reply* r) {
        return guarded(r, [&] { self<T>(s).health(); });
    }
    static constexpr vmtest_share_ops ops{sizeof(vmtest_share_ops), describe, prepare, release,
                                          probe, health};
};

template <typename T> struct RunnerTable {
    static vmtest_status describe(vmtest_instance* s, vmtest_reply* r) {
        return guarded(r, [&] { return nlohmann::json(self<T>(s).describe()); });
    }
    static vmtest_status connect(vmtest_instance* s, const char* channels, vmtest_reply* r) {
        return guarded(r, [&] {
            self<T>(s).connect(parse_document(channels).get<std::vector<Channel>>());
        });
    }
    static vmtest_status run(vmtest_instance* s, const char* command, vmtest_reply* r) {
        return guarded(r, [&] {
            return nlohmann::json(self<T>(s).run(parse_document(command).get<Command>()));
        });
    }
    static constexpr vmtest_runner_ops ops{sizeof(vmtest_runner_ops), describe, connect, run};
};

template <typename T> struct ReporterTable {
    // Events are handed over as sent, not through parse_document(): an
    // output event's `data` is text and its `data_base64` the chunk's bytes
    // (sdk::output_bytes), and a reporter picks the one it needs.
    static vmtest_status event(vmtest_instance* s, const char* event, vmtest_reply* r) {
        return guarded(r, [&] { self<T>(s).event(nlohmann::json::parse(event)); });
    }
    static vmtest_status finish(vmtest_instance* s, vmtest_reply* r) {
        return guarded(r, [&] { self<T>(s).finish(); });
    }
    static constexpr vmtest_reporter_ops ops{sizeof(vmtest_reporter_ops), event, finish};
};

}  // namespace detail
}  // namespace vmtest::sdk

// Defines the plugin's descriptor and exported entry point. Use once per
// shared object, at namespace scope.
#define VMTEST_DEFINE_PLUGIN_(Class, Kind, Table, Name, Version, Summary)                          \
    extern "C" VMTEST_EXPORT const vmtest_plugin_descriptor* vmtest_plugin_entry(void) {           \
        static const vmtest_plugin_descriptor descriptor{                                          \
            sizeof(vmtest_plugin_descriptor), VMTEST_ABI_MAJOR, VMTEST_ABI_MINOR, Kind, Name,       \
            Version, Summary, ::vmtest::sdk::detail::create<Class>,                                \
            ::vmtest::sdk::detail::destroy<Class>, &::vmtest::sdk::detail::Table<Class>::ops};    \
        return &descriptor;                                                                        \
    }

#define VMTEST_BACKEND_PLUGIN(Class, Name, Version, Summary)                                       \
    VMTEST_DEFINE_PLUGIN_(Class, VMTEST_KIND_BACKEND, BackendTable, Name, Version, Summary)
#define VMTEST_SHARE_PLUGIN(Class, Name, Version, Summary)                                         \
    VMTEST_DEFINE_PLUGIN_(Class, VMTEST_KIND_SHARE, ShareTable, Name, Version, Summary)
#define VMTEST_RUNNER_PLUGIN(Class, Name, Version, Summary)                                        \
    VMTEST_DEFINE_PLUGIN_(Class, VMTEST_KIND_RUNNER, RunnerTable, Name, Version, Summary)
#define VMTEST_REPORTER_PLUGIN(Class, Name, Version, Summary)                                      \
    VMTEST_DEFINE_PLUGIN_(Class, VMTEST_KIND_REPORTER, ReporterTable, Name, Version, Summary)
