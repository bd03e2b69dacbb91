// The host's side of the ABI (plugin.h): how a host checks a descriptor,
// reads its ops tables, sends documents and reads replies. In one place for
// vmtest's plugin host and the SDK's fake host
// (vmtest/sdk/testing/fake_host.hpp), so a plugin that passes one passes
// the other. Since ABI 1.2. Header-only, C++17. Plugins do not need it.
//
// The one NULL rule: an entry beyond its table's struct_size (an older,
// shorter table) reads as NULL, and NULL means "not provided". A required
// entry that is not provided refuses the plugin at load.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "vmtest/sdk/bytes.hpp"
#include "vmtest/sdk/plugin.h"

namespace vmtest::sdk {

// Whether `ops` is long enough to hold `member` at all.
template <typename Ops, typename Function> bool holds(const Ops& ops, Function Ops::*member) {
    const auto offset = reinterpret_cast<std::size_t>(&(static_cast<const Ops*>(nullptr)->*member));
    return offset + sizeof(Function) <= ops.struct_size;
}

// The function at `member`, or null when the table ends before it or leaves it NULL.
template <typename Ops, typename Function> Function entry(const Ops& ops, Function Ops::*member) {
    return holds(ops, member) ? ops.*member : nullptr;
}

// "backend", "share", "reporter", "runner" or "unknown".
inline const char* kind_name(uint32_t kind) {
    switch (kind) {
    case VMTEST_KIND_BACKEND:
        return "backend";
    case VMTEST_KIND_SHARE:
        return "share";
    case VMTEST_KIND_REPORTER:
        return "reporter";
    case VMTEST_KIND_RUNNER:
        return "runner";
    default:
        return "unknown";
    }
}

namespace detail {

// The name of the first of `names` whose entry is not provided, or null.
template <typename Ops> const char* first_missing(const Ops&) { return nullptr; }

template <typename Ops, typename Function, typename... Rest>
const char* first_missing(const Ops& ops, const char* name, Function Ops::*member,
                          Rest... rest) {
    return entry(ops, member) ? first_missing(ops, rest...) : name;
}

// The required entries of each kind's table (plugin.h says which).
inline const char* missing_required_entry(const vmtest_plugin_descriptor& d) {
    switch (d.kind) {
    case VMTEST_KIND_BACKEND: {
        using O = vmtest_backend_ops;
        return first_missing(*static_cast<const O*>(d.ops), "describe", &O::describe, "start",
                             &O::start, "wait", &O::wait, "stop", &O::stop);
    }
    case VMTEST_KIND_SHARE: {
        using O = vmtest_share_ops;
        return first_missing(*static_cast<const O*>(d.ops), "describe", &O::describe, "prepare",
                             &O::prepare, "release", &O::release);
    }
    case VMTEST_KIND_RUNNER: {
        using O = vmtest_runner_ops;
        return first_missing(*static_cast<const O*>(d.ops), "describe", &O::describe, "connect",
                             &O::connect, "run", &O::run);
    }
    case VMTEST_KIND_REPORTER: {
        using O = vmtest_reporter_ops;
        return first_missing(*static_cast<const O*>(d.ops), "event", &O::event);
    }
    default:
        return nullptr;
    }
}

}  // namespace detail

// Why a host refuses the descriptor `d` (one line, to follow "plugin
// FILE: "), or "" when it loads: the ABI version, the kind, the name,
// create/destroy/ops, and every required entry of the kind's table.
inline std::string descriptor_problem(const vmtest_plugin_descriptor* d) {
    if (!d) {
        return std::string(VMTEST_PLUGIN_ENTRY_SYMBOL) + "() returned no descriptor";
    }
    // The descriptor of ABI 1.0 ends with `ops`; a shorter one is not ours.
    if (d->struct_size < offsetof(vmtest_plugin_descriptor, ops) + sizeof(d->ops)) {
        return "descriptor is too small (" + std::to_string(d->struct_size) +
               " bytes); not a vmtest plugin?";
    }
    if (d->abi_major != VMTEST_ABI_MAJOR || d->abi_minor > VMTEST_ABI_MINOR) {
        const auto version = [](uint32_t major, uint32_t minor) {
            return std::to_string(major) + "." + std::to_string(minor);
        };
        return "built for vmtest plugin ABI " + version(d->abi_major, d->abi_minor) +
               ", but this vmtest has ABI " + version(VMTEST_ABI_MAJOR, VMTEST_ABI_MINOR) +
               " (a plugin needs the same major and a minor no newer); rebuild it against this "
               "vmtest's SDK";
    }
    if (d->kind < VMTEST_KIND_BACKEND || d->kind > VMTEST_KIND_RUNNER) {
        return "unknown plugin kind " + std::to_string(d->kind);
    }
    if (!d->name || !*d->name) {
        return "descriptor has no name";
    }
    if (!d->create || !d->destroy || !d->ops) {
        return "descriptor lacks create, destroy or ops";
    }
    if (*static_cast<const uint32_t*>(d->ops) < sizeof(uint32_t)) {
        return "ops table is too small";
    }
    if (const char* missing = detail::missing_required_entry(*d)) {
        return std::string(kind_name(d->kind)) + " table lacks its required entry '" + missing +
               "' (NULL or beyond its struct_size)";
    }
    return "";
}

// A plugin call that did not return VMTEST_OK, a create that failed, or a
// document the plugin cannot be sent; what() is the line the user sees.
class PluginCallError : public std::runtime_error {
  public:
    PluginCallError(vmtest_status status, const std::string& message)
        : std::runtime_error(message), m_status(status) {}
    vmtest_status status() const { return m_status; }

  private:
    vmtest_status m_status;
};

// What one call returned.
struct CallOutcome {
    vmtest_status status = VMTEST_OK;
    nlohmann::json result;  // null when the plugin replied no JSON
    std::string error;      // the plugin's line when status is not VMTEST_OK
};

// The host's side of vmtest_reply, for one call: keeps what the plugin sets.
class HostReply : public vmtest_reply {
  public:
    HostReply() : vmtest_reply{} {
        struct_size = sizeof(vmtest_reply);
        host_data = this;
        set_json = [](vmtest_reply* reply, const char* json) {
            static_cast<HostReply*>(reply)->m_json = json ? json : "";
        };
        set_error = [](vmtest_reply* reply, const char* message) {
            static_cast<HostReply*>(reply)->m_error = message ? message : "";
        };
    }
    HostReply(const HostReply&) = delete;
    HostReply& operator=(const HostReply&) = delete;

    // The call's outcome: its reply parsed (and its "_base64" siblings
    // decoded, unless the plugin `d` is built for ABI 1.0), a line for a
    // failure the plugin did not explain or invalid JSON. `label` names the
    // plugin ("backend qemu-tcg").
    CallOutcome outcome(vmtest_status status, const vmtest_plugin_descriptor& d,
                        const std::string& label) const {
        CallOutcome outcome{status, nullptr, m_error};
        if (status != VMTEST_OK && outcome.error.empty()) {
            outcome.error = label + " failed without saying why (status " +
                            std::to_string(status) + ")";
        }
        if (!m_json.empty()) {
            try {
                outcome.result = nlohmann::json::parse(m_json);
                // A 1.0 plugin sends no "_base64" siblings: leave its members alone.
                if (d.abi_minor >= 1) {
                    decode_byte_strings(outcome.result);
                }
            } catch (const std::exception& e) {
                outcome.status = VMTEST_ERROR;
                outcome.error = label + " replied invalid JSON: " + e.what();
            }
        }
        return outcome;
    }

  private:
    std::string m_json;
    std::string m_error;
};

// `document` as JSON text for the plugin `d` (named `label`). Strings that
// are not UTF-8 travel as their U+FFFD text plus a "_base64" sibling with
// the exact bytes (vmtest/sdk/bytes.hpp, since ABI 1.1). A plugin built for
// ABI 1.0 knows no such siblings and would silently get the wrong bytes, so
// for it such a document throws PluginCallError naming the member.
inline std::string document_text(const nlohmann::json& document, const vmtest_plugin_descriptor& d,
                                 const std::string& label) {
    nlohmann::json encoded = document;
    const auto carried = encode_byte_strings(encoded);
    if (!carried.empty() && d.abi_minor < 1) {
        throw PluginCallError(VMTEST_ERROR,
                              label + " is built for plugin ABI 1.0, which cannot carry " +
                                  carried.front() +
                                  " (bytes that are not UTF-8); rebuild it against this "
                                  "vmtest's SDK");
    }
    // Object keys are the only strings left that could be invalid.
    return encoded.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace vmtest::sdk
