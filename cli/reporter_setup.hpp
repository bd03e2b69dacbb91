#pragma once

#include <vector>

#include "config/target.hpp"
#include "plugin_host/plugin_registry.hpp"
#include "run/events.hpp"

namespace vmtest::cli {

// Creates the reporters asked for (--reporter, then vmtest.toml's
// `reporters`), plus the console unless it was asked for explicitly. A
// reporter writing to stdout moves the console to stderr, so the report
// stays machine-readable; only one reporter may take stdout. Throws
// PluginLoadError/PluginError on bad names, std::runtime_error otherwise.
void add_reporters(run::EventBus& events, const plugin_host::PluginRegistry& registry,
                   const std::vector<config::ReporterSpec>& requested);

}  // namespace vmtest::cli
