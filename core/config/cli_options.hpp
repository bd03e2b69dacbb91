// The command line, parsed into plain data. Nothing here touches the file
// system or the environment, so every decision it makes is unit-testable;
// main() turns CliOptions into targets (see targets_from_cli.hpp).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/plugin_option_values.hpp"
#include "config/target.hpp"
#include "config/target_shard.hpp"
#include "config/usage_error.hpp"

namespace vmtest::config {

// -j without a number: vmtest picks the count from the host's CPUs and
// available memory (run/host_capacity.hpp).
inline constexpr int k_jobs_auto = 0;
inline constexpr const char* k_jobs_auto_text = "auto";

struct CliOptions {
    // Upstream-compatible.
    std::optional<std::filesystem::path> config;      // -c/--config
    std::string filter = ".*";                         // -f/--filter, a valid std::regex
    std::optional<std::filesystem::path> kernel;      // -k/--kernel, as given (path or URL)
    std::optional<std::string> kargs;                  // --kargs
    std::optional<std::string> kvm_cpu_args;           // --kvm-cpu-args
    std::optional<std::filesystem::path> rootfs;      // -r/--rootfs, as given
    std::optional<std::string> arch;                   // -a/--arch, a supported one
    std::optional<std::string> qemu_command;           // -q/--qemu-command
    std::vector<std::string> command_words;            // trailing positional words

    // Ours.
    std::optional<std::filesystem::path> modules;     // --modules, as given
    std::optional<std::string> backend;
    std::optional<std::string> share;
    std::optional<std::string> runner;
    std::optional<std::chrono::seconds> timeout;
    std::optional<KernelSplatPolicy> kernel_splats;    // --kernel-splats
    std::vector<ReporterSpec> reporters;               // --reporter, in order given; paths as given
    std::vector<std::filesystem::path> plugin_paths;   // --plugin-path, in order given
    std::vector<PluginOptionFlag> plugin_options;      // --plugin-option, in order given
    std::optional<int> jobs;                           // -j/--jobs: 1..k_max_jobs, or k_jobs_auto
    bool list_plugins = false;
    std::optional<Shard> shard;                        // --shard K/N
    bool list_targets = false;                         // --list
    bool list_json = false;                            // --json (with --list)
    bool show_version = false;
    bool show_help = false;
    int verbosity = 0;                                 // number of -v

    bool has_command() const { return !command_words.empty(); }
    // The words joined with single spaces, like upstream; "-" is an interactive shell.
    std::string command() const;
};

// Parses argv (argv[0] is skipped). Throws UsageError.
CliOptions parse_cli(int argc, const char* const argv[]);

// The --help text: usage, every flag, and how the modes and overrides work.
std::string help_text();

enum class RunMode {
    OneLiner,    // a single target from -k (or the host's kernel) and the command words
    ConfigFile,  // the targets of vmtest.toml (or --config)
};

// One-liner when -k is given, or when there is no -c, no vmtest.toml in the
// working directory and a command was given (main then boots the host's
// own kernel). Config mode otherwise, which reports a missing vmtest.toml.
RunMode decide_mode(const CliOptions& options, bool cwd_has_config_file);

// The config file config mode reads: --config, else "vmtest.toml" (relative
// to the working directory, so error messages show it as the user knows it).
std::filesystem::path config_file_path(const CliOptions& options);

}  // namespace vmtest::config
