#include "reporter_setup.hpp"

#include <cstdlib>
#include <stdexcept>
#include <unistd.h>

#include "config/default_plugins.hpp"
#include "plugin_host/typed_plugins.hpp"

namespace vmtest::cli {

namespace {

bool env_set(const char* name) {
    const char* value = std::getenv(name);
    return value && *value;
}

nlohmann::json console_config(int fd) {
    // Redrawing stage lines only makes sense for a person at a terminal.
    const bool tty = isatty(fd) && !env_set("VMTEST_NO_UI") && !env_set("CI");
    const bool color = isatty(fd) && !env_set("NO_COLOR");
    return {{"fd", fd}, {"tty", tty}, {"color", color}};
}

std::unique_ptr<plugin_host::ReporterPlugin> make(const plugin_host::PluginRegistry& registry,
                                                  const std::string& name,
                                                  const nlohmann::json& config) {
    return std::make_unique<plugin_host::ReporterPlugin>(std::make_unique<plugin_host::PluginInstance>(
        registry.find(VMTEST_KIND_REPORTER, name), config, plugin_host::HostCallbacks{}));
}

}  // namespace

void add_reporters(run::EventBus& events, const plugin_host::PluginRegistry& registry,
                   const std::vector<config::ReporterSpec>& requested) {
    int to_stdout = 0;
    for (const auto& spec : requested) {
        to_stdout += spec.name != config::k_console_reporter && !spec.output;
    }
    // Two documents on one stream would make both unreadable.
    if (to_stdout > 1) {
        throw std::runtime_error("only one reporter can write to stdout; give the others a file "
                                 "(--reporter NAME=PATH)");
    }
    const bool stdout_taken = to_stdout > 0;
    // The console comes first so a person sees progress before any report
    // is written.
    events.add(make(registry, config::k_console_reporter,
                    console_config(stdout_taken ? STDERR_FILENO : STDOUT_FILENO)));
    for (const auto& spec : requested) {
        if (spec.name == config::k_console_reporter) {
            continue;  // always there
        }
        nlohmann::json config = nlohmann::json::object();
        if (spec.output) {
            config["path"] = std::filesystem::absolute(*spec.output).string();
        }
        events.add(make(registry, spec.name, config));
    }
}

}  // namespace vmtest::cli
