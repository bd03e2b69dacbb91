// vmtest: run commands in virtual machines booted on chosen kernels.
//
// main() parses the command line, builds the list of targets (one-liner or
// vmtest.toml), checks every plugin they name before any VM starts, and
// hands them to the session. Every user error ends here as one line and a
// distinct exit status (see README.md).
#include <cstdlib>
#include <iostream>
#include <unistd.h>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "config/cli_options.hpp"
#include "config/config_file.hpp"
#include "config/target_filter.hpp"
#include "config/target_listing.hpp"
#include "config/target_shard.hpp"
#include "config/targets_from_cli.hpp"
#include "default_kernel.hpp"
#include "image/disk_image.hpp"
#include "kernel_source/kernel_source.hpp"
#include "plugin_host/plugin_registry.hpp"
#include "reporter_setup.hpp"
#include "run/host_capacity.hpp"
#include "run/leftover_sweep.hpp"
#include "run/plugin_options.hpp"
#include "run/session.hpp"
#include "util/cancellation.hpp"
#include "util/descendants.hpp"
#include "util/paths.hpp"
#include "vmtest/sdk/plugin.h"

extern char** environ;

namespace {

using namespace vmtest;

// A problem with what the user asked for: exit 2, nothing started.
struct UsageProblem : std::runtime_error {
    using std::runtime_error::runtime_error;
};

void set_up_logging(int verbosity) {
    auto logger = spdlog::stderr_color_mt("vmtest");
    logger->set_pattern("vmtest: %^%l%$: %v");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::warn);
    if (const char* level = std::getenv("VMTEST_LOG"); level && *level) {
        spdlog::set_level(spdlog::level::from_str(level));
    }
    if (verbosity > 0) {
        spdlog::set_level(verbosity > 1 ? spdlog::level::trace : spdlog::level::debug);
    }
}

void list_plugins(const plugin_host::PluginRegistry& registry) {
    for (const auto& plugin : registry.plugins()) {
        std::cout << plugin_host::kind_name(plugin->kind()) << "\t" << plugin->name() << "\t"
                  << plugin->version() << "\t" << plugin->summary() << "\t"
                  << plugin->file().string() << "\n";
    }
    for (const auto& refused : registry.refused()) {
        std::cout << "refused\t" << refused.file.string() << "\t" << refused.reason << "\n";
    }
}

std::vector<config::Target> oneliner_targets(const config::CliOptions& options) {
    auto kernel = options.kernel;
    if (!kernel) {
        // The host's kernels cannot boot another arch; a root filesystem of
        // that arch may have its own, with its modules beside it.
        const bool foreign_arch = options.arch && *options.arch != config::k_default_arch;
        const std::filesystem::path boot_dir =
            foreign_arch && options.rootfs ? std::filesystem::absolute(*options.rootfs) / "boot"
                                           : std::filesystem::path("/boot");
        kernel = cli::default_kernel(boot_dir);
        if (!kernel) {
            throw UsageProblem("no kernel given (-k) and none installed in " + boot_dir.string());
        }
        spdlog::info("no -k given; using the kernel {}", kernel->string());
        if (spdlog::get_level() > spdlog::level::info) {
            std::cerr << "vmtest: using kernel " << kernel->string() << "\n";
        }
    }
    const auto cwd = std::filesystem::current_path();
    auto target = config::make_oneliner_target(options, cwd, kernel);
    config::apply_overrides(target, options, cwd);
    return {target};
}

// --shard: a CI matrix may have more jobs than targets, so an empty shard is
// no error; it runs nothing, says so once, and exits 0.
std::vector<config::Target> shard_of(std::vector<config::Target> targets,
                                     const config::CliOptions& options) {
    if (!options.shard) {
        return targets;
    }
    targets = config::select_shard(targets, *options.shard);
    if (targets.empty()) {
        std::cerr << "vmtest: shard " << config::shard_label(*options.shard)
                  << " selects no targets\n";
    }
    return targets;
}

// Every plugin a target names must exist before any VM starts. The error
// points at the vmtest.toml line or the flag that named the plugin.
void check_plugins(const std::vector<config::Target>& targets,
                   const plugin_host::PluginRegistry& registry) {
    run::PluginCatalog catalog(registry);
    for (const auto& target : targets) {
        struct NamedPlugin {
            uint32_t kind;
            const char* field;
            const std::string& name;
            bool may_be_auto;  // "auto": vmtest chooses at run time
        };
        const NamedPlugin wanted[] = {{VMTEST_KIND_SHARE, "share", target.share, true},
                                      {VMTEST_KIND_RUNNER, "runner", target.runner, false},
                                      {VMTEST_KIND_BACKEND, "backend", target.backend, true}};
        for (const auto& [kind, field, name, may_be_auto] : wanted) {
            if (may_be_auto && name == "auto") {
                continue;
            }
            try {
                registry.find(kind, name);
            } catch (const plugin_host::PluginLoadError& e) {
                config::fail_at_origin(target, field, e.what());
                throw UsageProblem(config::origin_label(target, field) + ": " + e.what());
            }
        }
        // The options given to its plugins, against what they declare.
        if (auto problem = run::find_option_problem(target, catalog)) {
            config::fail_at_origin(target, problem->field, problem->message);
            throw UsageProblem(config::origin_label(target, problem->field) + ": " +
                               problem->message);
        }
    }
}

// Boot logs are a convenience: without a state directory the run goes on
// and keeps none.
std::filesystem::path boot_log_state_dir() {
    try {
        return util::state_dir();
    } catch (const std::exception& e) {
        spdlog::warn("{}; boot logs will not be kept", e.what());
        return {};
    }
}

std::vector<std::string> host_environment() {
    std::vector<std::string> env;
    for (char** entry = environ; *entry; ++entry) {
        env.emplace_back(*entry);
    }
    return env;
}

int run_vmtest(int argc, char** argv) {
    const auto options = config::parse_cli(argc, argv);
    if (options.show_help) {
        std::cout << config::help_text();
        return 0;
    }
    if (options.show_version) {
        std::cout << "vmtest " << VMTEST_VERSION << " (plugin ABI " << VMTEST_ABI_MAJOR << "."
                  << VMTEST_ABI_MINOR << ")\n";
        return 0;
    }
    set_up_logging(options.verbosity);
    plugin_host::PluginRegistry registry(
        plugin_host::PluginRegistry::default_search_path(options.plugin_paths));
    if (options.list_plugins) {
        list_plugins(registry);
        return 0;
    }

    std::vector<config::Target> targets;
    std::vector<config::ReporterSpec> reporters = options.reporters;
    std::optional<int> jobs = options.jobs;  // -j wins over the file's `jobs`
    const bool has_config = std::filesystem::exists("vmtest.toml");
    if (config::decide_mode(options, has_config) == config::RunMode::OneLiner) {
        targets = oneliner_targets(options);
    } else {
        const auto file = config::load_config_file(config::config_file_path(options));
        reporters.insert(reporters.end(), file.reporters.begin(), file.reporters.end());
        jobs = jobs ? jobs : file.jobs;
        targets = config::select_targets(file, options.filter);
        if (targets.empty()) {
            throw UsageProblem("no target matches --filter '" + options.filter + "'");
        }
        for (auto& target : targets) {
            config::apply_overrides(target, options, std::filesystem::current_path());
        }
    }
    targets = shard_of(std::move(targets), options);
    if (options.list_targets) {
        std::cout << (options.list_json ? config::target_list_json(targets)
                                        : config::target_names_text(targets));
        return 0;
    }
    check_plugins(targets, registry);
    run::EventBus events;
    try {
        cli::add_reporters(events, registry, reporters);
    } catch (const std::exception& e) {
        throw UsageProblem(e.what());
    }
    // Downloads and unpacks kernels before any VM starts (and after every
    // usage check, so a bad flag never waits for a download): a kernel that
    // cannot be had fails the run as a whole (exit 69), in one line.
    kernel_source::resolve_kernel_sources(targets, util::cache_dir());
    // Likewise a target's image that is not a disk image (exit 69).
    for (const auto& target : targets) {
        if (target.is_image()) {
            image::detect_disk_format(*target.image);
        }
    }
    run::BackendSelector backends(registry);
    run::RunEnvironment env{registry,           events, backends, util::cache_dir(),
                            boot_log_state_dir(), host_environment(),
                            spdlog::get_level() <= spdlog::level::debug};
    const auto host = run::read_host_capacity();
    env.jobs = run::job_count(jobs, host);
    env.memory_budget = host.available_bytes;
    const auto results = run::run_targets(targets, env);
    const bool reports_written = events.finish();
    return run::exit_status(results, reports_written);
}

}  // namespace

int main(int argc, char** argv) {
    // Whatever escapes QEMU's or a helper's process group stays below vmtest
    // and is stopped when main returns, on every path (README: Robustness).
    util::become_subreaper();
    run::LeftoverSweep leftovers;
    util::install_cancellation_handlers();
    try {
        return run_vmtest(argc, argv);
    } catch (const config::UsageError& e) {
        std::cerr << "vmtest: " << e.what() << "\n(see vmtest --help)\n";
    } catch (const config::ConfigError& e) {
        std::cerr << e.what() << "\n";
    } catch (const UsageProblem& e) {
        std::cerr << "vmtest: " << e.what() << "\n";
    } catch (const std::exception& e) {
        std::cerr << "vmtest: " << e.what() << "\n";
        // Ctrl-C during a download or an unpacking: as a shell reports it.
        return util::cancellation_requested() ? 128 + util::cancellation_signal()
                                              : run::k_exit_unavailable;
    }
    return run::k_exit_usage;
}
