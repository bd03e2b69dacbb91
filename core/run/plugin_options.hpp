// Options a target gives its plugins (Since ABI 1.2): from vmtest.toml's
// [target.backend_options], [target.share_options], [target.runner_options]
// and from --plugin-option KIND.NAME=VALUE. Plugins declare the options they
// take in their describe reply; these are checked against that before any
// VM boots, and reach the plugin's `create` as its config.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "config/target.hpp"
#include "run/plugin_catalog.hpp"

namespace vmtest::run {

// "backend", "share", "runner": how options of `kind` are named in
// vmtest.toml ("<kind>_options") and in --plugin-option ("<kind>.NAME").
std::string option_kind_name(uint32_t kind);

// What a target gives the plugins of one kind.
struct PluginOptions {
    nlohmann::json given = nlohmann::json::object(); // set by the user for this kind
    // Upstream's target fields that are the QEMU backends' options
    // (qemu_command, kvm_cpu_args, vm.extra_args): passed to a backend that
    // declares an option of that name, and only when `given` lacks it. A
    // backend that does not declare them still finds them in the VM spec's
    // deprecated members.
    nlohmann::json aliases = nlohmann::json::object();

    // The create config for a plugin with `facts`: `given`, plus the
    // aliases it declares.
    nlohmann::json config_for(const PluginFacts& facts) const;
    // Whether the plugin declares every option in `given` ("auto" only
    // considers plugins that do).
    bool taken_by(const PluginFacts& facts) const;
};

PluginOptions plugin_options_of(const config::Target& target, uint32_t kind);

// The first option of `target` that no plugin it may use declares, or that
// has another type than declared: `field` is its origin key in
// target.origins ("backend_options.NAME"), `message` names the plugin.
struct OptionProblem {
    std::string field;
    std::string message;
};
std::optional<OptionProblem> find_option_problem(const config::Target& target,
                                                 PluginCatalog& catalog);

} // namespace vmtest::run
