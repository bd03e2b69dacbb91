#pragma once

// What the event bus tests share: a real reporter plugin dlopen'ed from a
// file, and a passed target's result.

#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "plugin_host/plugin_library.hpp"
#include "plugin_host/typed_plugins.hpp"
#include "run/events.hpp"

namespace vmtest::run::testing {

inline std::unique_ptr<plugin_host::ReporterPlugin> reporter(const std::filesystem::path& file,
                                                             const nlohmann::json& config) {
    return std::make_unique<plugin_host::ReporterPlugin>(
        std::make_unique<plugin_host::PluginInstance>(plugin_host::PluginLibrary::load(file),
                                                      config, plugin_host::HostCallbacks{}));
}

inline TargetResult passed(const std::string& name) {
    TargetResult result;
    result.name = name;
    result.outcome = Outcome::pass;
    return result;
}

}  // namespace vmtest::run::testing
