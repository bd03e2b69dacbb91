#include "config/plugin_option_values.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "config/qemu_argument_policy.hpp"
#include "config/usage_error.hpp"

namespace vmtest::config {

std::optional<nlohmann::json> toml_value_to_json(const toml::node& node) {
    if (const auto* text = node.as_string()) {
        return nlohmann::json(text->get());
    }
    if (const auto* integer = node.as_integer()) {
        return nlohmann::json(integer->get());
    }
    if (const auto* number = node.as_floating_point()) {
        return nlohmann::json(number->get());
    }
    if (const auto* boolean = node.as_boolean()) {
        return nlohmann::json(boolean->get());
    }
    if (const auto* array = node.as_array()) {
        nlohmann::json values = nlohmann::json::array();
        for (const auto& element : *array) {
            auto value = toml_value_to_json(element);
            if (!value) {
                return std::nullopt;
            }
            values.push_back(std::move(*value));
        }
        return values;
    }
    return std::nullopt;
}

namespace {

bool is_option_name(const std::string& name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '_' || c == '-';
    });
}

// VALUE as TOML, when it is exactly one TOML value.
std::optional<nlohmann::json> toml_value(const std::string& text) {
    if (text.find_first_of("\n\r") != std::string::npos) {
        return std::nullopt; // one line only: nothing can smuggle in more keys
    }
    try {
        const toml::table document = toml::parse("value = " + text);
        if (document.size() != 1 || !document.contains("value")) {
            return std::nullopt;
        }
        return toml_value_to_json(*document.get("value"));
    } catch (const toml::parse_error&) {
        return std::nullopt;
    }
}

} // namespace

PluginOptionFlag parse_plugin_option_flag(const std::string& text) {
    const auto dot = text.find('.');
    const auto equals = text.find('=');
    const std::string usage =
        "--plugin-option: expected KIND.NAME=VALUE with KIND backend, share or runner, got '" +
        text + "'";
    if (dot == std::string::npos || equals == std::string::npos || equals < dot) {
        throw UsageError(usage);
    }
    PluginOptionFlag flag;
    flag.kind = text.substr(0, dot);
    flag.name = text.substr(dot + 1, equals - dot - 1);
    const std::string value = text.substr(equals + 1);
    if (std::find(std::begin(k_option_kinds), std::end(k_option_kinds), flag.kind) ==
            std::end(k_option_kinds) ||
        !is_option_name(flag.name)) {
        throw UsageError(usage);
    }
    flag.value = toml_value(value).value_or(nlohmann::json(value));
    if (auto refused =
            flag.kind == "backend" ? refused_backend_option(flag.name, flag.value) : std::nullopt) {
        throw UsageError("--plugin-option " + flag.kind + "." + flag.name + ": " + *refused);
    }
    return flag;
}

std::optional<std::string> refused_backend_option(const std::string& name,
                                                  const nlohmann::json& value) {
    if (name == "kvm_cpu_args" && value.is_string()) {
        if (const auto refused = find_refused_kvm_cpu_argument(value.get<std::string>())) {
            return refused->message();
        }
    }
    if (name == "extra_args" && value.is_array()) {
        std::vector<std::string> arguments;
        for (const auto& element : value) {
            arguments.push_back(element.is_string() ? element.get<std::string>() : "");
        }
        if (const auto refused = find_refused_qemu_argument(arguments)) {
            return "[" + std::to_string(refused->index) + "]: " + refused->message();
        }
    }
    return std::nullopt;
}

} // namespace vmtest::config
