// Plugin options as vmtest.toml and --plugin-option give them (README.md,
// "Plugin options"): a name and a TOML scalar or array, kept as JSON, the
// form in which they reach the plugin's `create`.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

namespace vmtest::config {

// The plugin kinds that take options, as written before the dot of
// --plugin-option and before "_options" in vmtest.toml.
inline constexpr const char* k_option_kinds[] = {"backend", "share", "runner"};

// `node` as JSON: strings, integers, floats, booleans and arrays of them.
// None for what has no JSON form (tables, dates and times).
std::optional<nlohmann::json> toml_value_to_json(const toml::node& node);

// One --plugin-option KIND.NAME=VALUE.
struct PluginOptionFlag {
    std::string kind; // "backend", "share" or "runner"
    std::string name;
    nlohmann::json value;

    bool operator==(const PluginOptionFlag&) const = default;
};

// Parses the text of one --plugin-option. VALUE is read as a TOML value
// (5, true, "text", ["-a", "b"]); what is not one is taken as a string, so
// `backend.qemu_command=/opt/qemu` needs no quotes. Throws UsageError.
PluginOptionFlag parse_plugin_option_flag(const std::string& text);

// The qemu_argument_policy check for the option names whose values QEMU's
// backends pass to QEMU verbatim (extra_args, kvm_cpu_args): the message,
// or none when `value` is allowed.
std::optional<std::string> refused_backend_option(const std::string& name,
                                                  const nlohmann::json& value);

} // namespace vmtest::config
