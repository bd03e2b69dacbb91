#include "config/cli_options.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <sstream>

#include <boost/program_options.hpp>

#include "config/kernel_command_line.hpp"
#include "config/qemu_argument_policy.hpp"
#include "config/reporter_spec.hpp"
#include "config/target_filter.hpp"
#include "config/target_shard.hpp"

namespace vmtest::config {
namespace {

namespace po = boost::program_options;

constexpr unsigned k_help_width = 100;

po::options_description upstream_options() {
    po::options_description options("Options (as in upstream vmtest)", k_help_width);
    options.add_options()
        ("config,c", po::value<std::string>()->value_name("PATH"),
         "Config file to run the targets of (default: vmtest.toml)")
        ("filter,f", po::value<std::string>()->value_name("REGEX"),
         "Run only the targets whose name matches REGEX (default: all)")
        ("kernel,k", po::value<std::string>()->value_name("PATH"),
         "Kernel to boot in one-liner mode: bzImage or vmlinux, a linux-image .deb, a "
         "tarball, an installed-kernel directory, a build tree, or an http(s) URL of a file")
        ("kargs", po::value<std::string>()->value_name("STRING"),
         "Additional kernel command line arguments")
        ("kvm-cpu-args", po::value<std::string>()->value_name("STRING"),
         "QEMU -cpu argument to use under KVM (default: host)")
        ("rootfs,r", po::value<std::string>()->value_name("PATH"),
         "Directory to use as the guest's root (default: the host's /)")
        ("arch,a", po::value<std::string>()->value_name("ARCH"),
         "Guest architecture: x86_64 or aarch64 (default: the host's)")
        ("qemu-command,q", po::value<std::string>()->value_name("COMMAND"),
         "QEMU binary to run instead of qemu-system-ARCH");
    return options;
}

po::options_description our_options() {
    po::options_description options("Options (vmtest extensions)", k_help_width);
    options.add_options()
        ("backend", po::value<std::string>()->value_name("NAME"),
         "Backend plugin that runs the VM (default: auto)")
        ("share", po::value<std::string>()->value_name("NAME"),
         "Share plugin that exports host directories: 9p, virtiofs, or auto (virtiofs "
         "where it can run, else 9p) (default: 9p)")
        ("modules", po::value<std::string>()->value_name("PATH"),
         "The kernel's modules: a directory (INSTALL_MOD_PATH or lib/modules/RELEASE), a "
         ".deb, a tarball, or an http(s) URL (default: those of the kernel's package or tree, "
         "else the rootfs's, else the host's)")
        ("runner", po::value<std::string>()->value_name("NAME"),
         "Runner plugin that runs the command in the guest (default: qga)")
        ("timeout", po::value<std::string>()->value_name("SECONDS"),
         "Fail a command still running after SECONDS (default: 600)")
        ("kernel-splats", po::value<std::string>()->value_name("fail|warn|ignore"),
         "What a splat in the guest kernel's log (WARNING, BUG, Oops, KASAN, lockdep, hung "
         "task, ...) does to a target whose command passed: fail it, warn, or ignore "
         "(default: fail)")
        ("reporter", po::value<std::vector<std::string>>()->value_name("NAME[=PATH]"),
         "Report results with reporter NAME, to PATH if given; repeatable")
        ("plugin-option", po::value<std::vector<std::string>>()->value_name("KIND.NAME=VALUE"),
         "Give the backend, share or runner plugin option NAME (VALUE is read as TOML: 5, "
         "true, \"text\", [\"a\"]; else as a string); repeatable")
        ("jobs,j", po::value<std::string>()->value_name("[N]")->implicit_value(k_jobs_auto_text, ""),
         "Run up to N targets at once (default: 1); -j alone: as many as the CPUs and the "
         "available memory allow")
        ("plugin-path", po::value<std::vector<std::string>>()->value_name("DIR"),
         "Also look for plugins in DIR; repeatable")
        ("list-plugins", po::bool_switch(), "List the plugins found and exit")
        ("shard", po::value<std::string>()->value_name("K/N"),
         "Run only the K-th of N disjoint slices of the selected targets (1 <= K <= N), "
         "for N parallel CI jobs")
        ("list", po::bool_switch(),
         "Print the selected targets' names, one a line, and exit (boots nothing)")
        ("json", po::bool_switch(), "With --list: print a JSON array of the targets instead")
        // Not a bool_switch: that refuses a second -v. The count comes from
        // the parsed occurrences, see parse_cli().
        ("verbose,v", po::value<std::vector<std::string>>()->zero_tokens(),
         "Log more; repeat for even more (-vv)")
        // -V as upstream's (clap's) short form.
        ("version,V", po::bool_switch(), "Print the version and exit")
        ("help,h", po::bool_switch(), "Print this help and exit");
    return options;
}

po::options_description hidden_options() {
    po::options_description options;
    options.add_options()("command", po::value<std::vector<std::string>>());
    return options;
}

constexpr std::string_view k_help_header =
    "Usage: vmtest [OPTIONS] [COMMAND]...\n"
    "\n"
    "Boots Linux kernels in QEMU and runs commands inside them.\n"
    "\n"
    "  vmtest -k KERNEL COMMAND...   one-liner mode: boot KERNEL, run COMMAND in the\n"
    "                                current directory (also shared at /mnt/vmtest)\n"
    "  vmtest COMMAND...             the same with the host's own kernel, when there\n"
    "                                is no vmtest.toml here\n"
    "  vmtest [-c PATH] [-f REGEX]   config mode: run the targets of vmtest.toml\n"
    "\n"
    "A COMMAND of '-' opens an interactive shell instead. Put '--' before a\n"
    "COMMAND whose words start with '-'.\n"
    "\n";

constexpr std::string_view k_help_footer =
    "\n"
    "--kargs, --kvm-cpu-args, --rootfs, --modules, --arch, --qemu-command, --backend,\n"
    "--share, --runner, --timeout, --kernel-splats and --plugin-option set the one-liner\n"
    "target's fields, and in config mode override those fields of every selected target\n"
    "(--kargs and --modules only for kernel targets). Relative paths are relative to the\n"
    "current directory.\n";

std::optional<std::string> optional_string(const po::variables_map& values, const char* name) {
    if (values.count(name) == 0) {
        return std::nullopt;
    }
    return values[name].as<std::string>();
}

std::vector<std::string> string_list(const po::variables_map& values, const char* name) {
    if (values.count(name) == 0) {
        return {};
    }
    return values[name].as<std::vector<std::string>>();
}

// Flags whose value names something must not be empty: "" would otherwise
// quietly mean "the current directory" or "no plugin".
void require_non_empty(const std::optional<std::string>& value, std::string_view flag,
                       std::string_view what) {
    if (value && value->empty()) {
        throw UsageError(std::string(flag) + ": expected " + std::string(what) + ", got ''");
    }
}

std::chrono::seconds parse_timeout(const std::string& text) {
    std::int64_t seconds = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    // Capped so deadline arithmetic on steady_clock cannot overflow.
    if (error != std::errc{} || end != text.data() + text.size() || seconds < 1 ||
        seconds > INT32_MAX) {
        throw UsageError("--timeout: expected a positive integer (seconds), got '" + text + "'");
    }
    return std::chrono::seconds(seconds);
}

// -j's value, "auto" when given without one.
int parse_jobs(const std::string& text) {
    if (text == k_jobs_auto_text) {
        return k_jobs_auto;
    }
    int jobs = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), jobs);
    if (error != std::errc{} || end != text.data() + text.size() || jobs < 1 || jobs > k_max_jobs) {
        throw UsageError("--jobs: expected a number of targets from 1 to " +
                         std::to_string(k_max_jobs) +
                         " (or no value: as many as the host can take), got '" + text + "'");
    }
    return jobs;
}

// -j takes the next word as its value only when it is a number, as in
// `make -j 2` and `make -j check`: program_options would take any word
// (`vmtest -j make check` would ask for 'make' jobs). A word that starts
// like a number is -j's, a negative one too, so that -j -1 is refused as
// a count rather than read as an unknown flag.
std::vector<po::option> jobs_value_only_if_a_number(std::vector<std::string>& args) {
    if (args.empty() || (args[0] != "-j" && args[0] != "--jobs")) {
        return {};
    }
    const auto starts_like_number = [](const std::string& word) {
        const std::size_t digit = word.size() > 1 && (word[0] == '-' || word[0] == '+') ? 1 : 0;
        return word.size() > digit && std::isdigit(static_cast<unsigned char>(word[digit]));
    };
    const bool has_value = args.size() > 1 && starts_like_number(args[1]);
    // Without a number, the value is given too: an option with room for a
    // value would otherwise take the positional word after it.
    po::option jobs("jobs", {has_value ? args[1] : k_jobs_auto_text});
    jobs.original_tokens.assign(args.begin(), args.begin() + (has_value ? 2 : 1));
    args.erase(args.begin(), args.begin() + (has_value ? 2 : 1));
    return {jobs};
}

void check_conflicts(const CliOptions& options) {
    if (!options.config) {
        return;
    }
    // Upstream's two modes: -k runs one command, -c runs the config's targets.
    if (options.kernel) {
        throw UsageError("--config cannot be used with --kernel");
    }
    if (options.has_command()) {
        throw UsageError("--config cannot be used with a command ('" + options.command() +
                         "'): the config's targets have their own");
    }
}

void check_list_flags(const CliOptions& options) {
    if (options.list_json && !options.list_targets) {
        throw UsageError("--json can only be used with --list");
    }
}

}  // namespace

std::string CliOptions::command() const {
    std::string joined;
    for (const std::string& word : command_words) {
        if (!joined.empty()) {
            joined += ' ';
        }
        joined += word;
    }
    return joined;
}

CliOptions parse_cli(int argc, const char* const argv[]) {
    po::options_description all;
    all.add(upstream_options()).add(our_options()).add(hidden_options());
    po::positional_options_description positional;
    positional.add("command", -1);

    po::variables_map values;
    po::parsed_options parsed(&all);
    try {
        // No abbreviations: upstream (clap) rejects `--kern`, and guessing
        // would make adding a flag later break existing command lines.
        parsed = po::command_line_parser(argc, argv)
                     .options(all)
                     .positional(positional)
                     .extra_style_parser(jobs_value_only_if_a_number)
                     .style(po::command_line_style::default_style &
                            ~po::command_line_style::allow_guessing)
                     .run();
        po::store(parsed, values);
        po::notify(values);
    } catch (const po::error& error) {
        throw UsageError(error.what());
    }

    CliOptions options;
    if (auto config = optional_string(values, "config")) {
        require_non_empty(config, "--config", "a path");
        options.config = std::filesystem::path(*config);
    }
    if (auto filter = optional_string(values, "filter")) {
        compile_filter(*filter);
        options.filter = std::move(*filter);
    }
    if (auto kernel = optional_string(values, "kernel")) {
        require_non_empty(kernel, "--kernel", "a path");
        options.kernel = std::filesystem::path(*kernel);
    }
    options.arch = optional_string(values, "arch");
    if (options.arch && !is_supported_arch(*options.arch)) {
        throw UsageError("--arch: unsupported architecture '" + *options.arch + "' (supported: " +
                         supported_arches_text() + ")");
    }
    options.kargs = optional_string(values, "kargs");
    if (options.kargs) {
        const auto arch = options.arch.value_or(std::string(k_default_arch));
        if (const auto problem = kernel_args_problem(arch, *options.kargs)) {
            throw UsageError("--kargs: " + *problem);
        }
    }
    options.kvm_cpu_args = optional_string(values, "kvm-cpu-args");
    if (options.kvm_cpu_args) {
        if (const auto refused = find_refused_kvm_cpu_argument(*options.kvm_cpu_args)) {
            throw UsageError("--kvm-cpu-args: " + refused->message());
        }
    }
    if (auto rootfs = optional_string(values, "rootfs")) {
        require_non_empty(rootfs, "--rootfs", "a path");
        options.rootfs = std::filesystem::path(*rootfs);
    }
    if (auto modules = optional_string(values, "modules")) {
        require_non_empty(modules, "--modules", "a path");
        options.modules = std::filesystem::path(*modules);
    }
    options.qemu_command = optional_string(values, "qemu-command");
    require_non_empty(options.qemu_command, "--qemu-command", "a command");
    options.command_words = string_list(values, "command");

    options.backend = optional_string(values, "backend");
    require_non_empty(options.backend, "--backend", "a plugin name");
    options.share = optional_string(values, "share");
    require_non_empty(options.share, "--share", "a plugin name");
    options.runner = optional_string(values, "runner");
    require_non_empty(options.runner, "--runner", "a plugin name");
    if (auto timeout = optional_string(values, "timeout")) {
        options.timeout = parse_timeout(*timeout);
    }
    if (auto splats = optional_string(values, "kernel-splats")) {
        options.kernel_splats = parse_kernel_splat_policy(*splats);
        if (!options.kernel_splats) {
            throw UsageError("--kernel-splats: expected fail, warn or ignore, got '" + *splats + "'");
        }
    }
    for (const std::string& text : string_list(values, "reporter")) {
        auto spec = parse_reporter_spec(text);
        if (!spec) {
            throw UsageError("--reporter: expected NAME or NAME=PATH, got '" + text + "'");
        }
        options.reporters.push_back(std::move(*spec));
    }
    for (const std::string& text : string_list(values, "plugin-option")) {
        options.plugin_options.push_back(parse_plugin_option_flag(text));
    }
    for (const std::string& dir : string_list(values, "plugin-path")) {
        require_non_empty(dir, "--plugin-path", "a directory");
        options.plugin_paths.emplace_back(dir);
    }
    if (auto jobs = optional_string(values, "jobs")) {
        options.jobs = parse_jobs(*jobs);
    }
    options.list_plugins = values["list-plugins"].as<bool>();
    if (auto shard = optional_string(values, "shard")) {
        options.shard = parse_shard(*shard);
    }
    options.list_targets = values["list"].as<bool>();
    options.list_json = values["json"].as<bool>();
    options.show_version = values["version"].as<bool>();
    options.show_help = values["help"].as<bool>();
    // -vv means more than -v, so count the occurrences.
    options.verbosity = static_cast<int>(
        std::count_if(parsed.options.begin(), parsed.options.end(),
                      [](const po::option& option) { return option.string_key == "verbose"; }));

    check_conflicts(options);
    check_list_flags(options);
    return options;
}

std::string help_text() {
    // One description around both groups, so they share a column layout.
    po::options_description visible(k_help_width);
    visible.add(upstream_options()).add(our_options());
    std::ostringstream text;
    text << k_help_header << visible << k_help_footer;
    return text.str();
}

RunMode decide_mode(const CliOptions& options, bool cwd_has_config_file) {
    if (options.kernel) {
        return RunMode::OneLiner;
    }
    if (!options.config && !cwd_has_config_file && options.has_command()) {
        return RunMode::OneLiner;
    }
    return RunMode::ConfigFile;
}

std::filesystem::path config_file_path(const CliOptions& options) {
    return options.config.value_or(std::filesystem::path("vmtest.toml"));
}

}  // namespace vmtest::config
