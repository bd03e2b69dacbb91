#include "run/plugin_options.hpp"

#include <vector>

#include "plugin_host/plugin_library.hpp"

namespace vmtest::run {

namespace {

// The phrase an error uses for a declared type; empty for a type this
// vmtest does not know (a newer plugin's): then any value passes.
std::string expectation(const std::string& type) {
    if (type == "string")
        return "a string";
    if (type == "integer")
        return "an integer";
    if (type == "number")
        return "a number";
    if (type == "boolean")
        return "true or false";
    if (type == "string_array")
        return "an array of strings";
    return "";
}

bool has_type(const nlohmann::json& value, const std::string& type) {
    if (type == "string")
        return value.is_string();
    if (type == "integer")
        return value.is_number_integer();
    if (type == "number")
        return value.is_number();
    if (type == "boolean")
        return value.is_boolean();
    if (type == "string_array") {
        if (!value.is_array())
            return false;
        for (const auto& element : value) {
            if (!element.is_string())
                return false;
        }
        return true;
    }
    return true;
}

std::string declared_list(const sdk::OptionSpecs& options) {
    if (options.empty()) {
        return "it declares none";
    }
    std::string list;
    for (const auto& [name, spec] : options) {
        list += (list.empty() ? "it takes " : ", ") + name;
    }
    return list;
}

const std::string& plugin_name(const config::Target& target, uint32_t kind) {
    switch (kind) {
    case VMTEST_KIND_BACKEND:
        return target.backend;
    case VMTEST_KIND_SHARE:
        return target.share;
    default:
        return target.runner;
    }
}

} // namespace

std::string option_kind_name(uint32_t kind) {
    return plugin_host::kind_name(kind);
}

nlohmann::json PluginOptions::config_for(const PluginFacts& facts) const {
    nlohmann::json config = given;
    for (const auto& [name, value] : aliases.items()) {
        if (facts.options.count(name) && !config.contains(name)) {
            config[name] = value;
        }
    }
    return config;
}

bool PluginOptions::taken_by(const PluginFacts& facts) const {
    for (const auto& [name, value] : given.items()) {
        if (!facts.options.count(name)) {
            return false;
        }
    }
    return true;
}

PluginOptions plugin_options_of(const config::Target& target, uint32_t kind) {
    PluginOptions options;
    const auto found = target.plugin_options.find(option_kind_name(kind));
    if (found != target.plugin_options.end()) {
        options.given = found->second;
    }
    if (kind == VMTEST_KIND_BACKEND) {
        if (target.qemu_command) {
            options.aliases["qemu_command"] = *target.qemu_command;
        }
        if (target.kvm_cpu_args) {
            options.aliases["kvm_cpu_args"] = *target.kvm_cpu_args;
        }
        if (!target.vm.extra_args.empty()) {
            options.aliases["extra_args"] = target.vm.extra_args;
        }
    }
    return options;
}

std::optional<OptionProblem> find_option_problem(const config::Target& target,
                                                 PluginCatalog& catalog) {
    for (const uint32_t kind : {VMTEST_KIND_BACKEND, VMTEST_KIND_SHARE, VMTEST_KIND_RUNNER}) {
        const std::string kind_text = option_kind_name(kind);
        const auto options = plugin_options_of(target, kind);
        if (options.given.empty()) {
            continue;
        }
        const std::string& name = plugin_name(target, kind);
        const bool automatic = name == "auto";
        std::vector<PluginFacts> candidates;
        if (automatic) {
            candidates = catalog.by_priority(kind);
        } else {
            candidates.push_back(catalog.facts(kind, name));
        }
        for (const auto& [option, value] : options.given.items()) {
            const std::string field = kind_text + "_options." + option;
            bool declared = false;
            for (const auto& facts : candidates) {
                const auto spec = facts.options.find(option);
                if (spec == facts.options.end()) {
                    continue;
                }
                declared = true;
                if (!has_type(value, spec->second.type)) {
                    return OptionProblem{
                        field,
                        kind_text + " " + facts.name + "'s option '" + option + "' must be " +
                            expectation(spec->second.type) + ", got " +
                            value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
                }
            }
            if (!declared) {
                return OptionProblem{
                    field, automatic ? "no " + kind_text + " takes option '" + option + "'"
                                     : kind_text + " " + name + " has no option '" + option +
                                           "' (" + declared_list(candidates.front().options) + ")"};
            }
        }
    }
    return std::nullopt;
}

} // namespace vmtest::run
