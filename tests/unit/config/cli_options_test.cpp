#include <gtest/gtest.h>

#include <initializer_list>

#include "cli_parse.hpp"
#include "config/cli_options.hpp"

namespace vmtest::config {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

using testing::parse;
using testing::usage_error_of;

TEST(CliOptions, Defaults) {
    const CliOptions options = parse({});
    EXPECT_FALSE(options.config);
    EXPECT_EQ(options.filter, ".*");
    EXPECT_FALSE(options.kernel);
    EXPECT_FALSE(options.kargs);
    EXPECT_FALSE(options.kvm_cpu_args);
    EXPECT_FALSE(options.rootfs);
    EXPECT_FALSE(options.arch);
    EXPECT_FALSE(options.qemu_command);
    EXPECT_FALSE(options.has_command());
    EXPECT_EQ(options.command(), "");
    EXPECT_FALSE(options.backend);
    EXPECT_FALSE(options.share);
    EXPECT_FALSE(options.runner);
    EXPECT_FALSE(options.timeout);
    EXPECT_TRUE(options.reporters.empty());
    EXPECT_TRUE(options.plugin_paths.empty());
    EXPECT_FALSE(options.list_plugins);
    EXPECT_FALSE(options.show_version);
    EXPECT_FALSE(options.show_help);
    EXPECT_EQ(options.verbosity, 0);
}

TEST(CliOptions, UpstreamShortFlags) {
    const CliOptions options = parse({"-k", "./bzImage", "-r", "/srv/root", "-a", "x86_64", "-q",
                                      "/opt/qemu", "-f", "^6\\.", "uname"});
    EXPECT_EQ(options.kernel, fs::path("./bzImage"));
    EXPECT_EQ(options.rootfs, fs::path("/srv/root"));
    EXPECT_EQ(options.arch, "x86_64");
    EXPECT_EQ(options.qemu_command, "/opt/qemu");
    EXPECT_EQ(options.filter, "^6\\.");
    EXPECT_EQ(options.command(), "uname");
}

TEST(CliOptions, UpstreamLongFlags) {
    const CliOptions options =
        parse({"--config", "ci/vmtest.toml", "--filter", "net", "--kargs", "quiet nokaslr",
               "--kvm-cpu-args", "host,-x2apic", "--rootfs=/r", "--arch=x86_64",
               "--qemu-command", "qemu-kvm"});
    EXPECT_EQ(options.config, fs::path("ci/vmtest.toml"));
    EXPECT_EQ(options.filter, "net");
    EXPECT_EQ(options.kargs, "quiet nokaslr");
    EXPECT_EQ(options.kvm_cpu_args, "host,-x2apic");
    EXPECT_EQ(options.rootfs, fs::path("/r"));
    EXPECT_EQ(options.arch, "x86_64");
    EXPECT_EQ(options.qemu_command, "qemu-kvm");
}

TEST(CliOptions, ShortConfigFlag) {
    EXPECT_EQ(parse({"-c", "other.toml"}).config, fs::path("other.toml"));
}

TEST(CliOptions, CommandWordsJoinedWithSingleSpaces) {
    const CliOptions options = parse({"-k", "bzImage", "echo", "hello  world", "done"});
    EXPECT_EQ(options.command_words,
              (std::vector<std::string>{"echo", "hello  world", "done"}));
    EXPECT_EQ(options.command(), "echo hello  world done");
}

TEST(CliOptions, DoubleDashPassesFlagLikeWords) {
    const CliOptions options = parse({"-k", "bzImage", "--", "ls", "-la", "--color"});
    EXPECT_EQ(options.command(), "ls -la --color");
}

TEST(CliOptions, LoneDashIsInteractiveShell) {
    const CliOptions options = parse({"-k", "bzImage", "-"});
    EXPECT_EQ(options.command(), "-");
}

// As with upstream's clap parser: a word that looks like a flag is one,
// wherever it is, so commands with such words go after "--" or in quotes.
TEST(CliOptions, FlagLikeCommandWordsAreFlags) {
    EXPECT_EQ(usage_error_of({"-k", "bzImage", "ls", "-z"}), "unrecognised option '-z'");
}

TEST(CliOptions, OptionsMayFollowCommandWords) {
    const CliOptions options = parse({"uname -r", "-k", "bzImage"});
    EXPECT_EQ(options.kernel, fs::path("bzImage"));
    EXPECT_EQ(options.command(), "uname -r");
}

TEST(CliOptions, OurFlags) {
    const CliOptions options =
        parse({"--backend", "qemu", "--share", "virtiofs", "--runner", "serial", "--timeout",
               "45", "--list-plugins", "--version", "--help"});
    EXPECT_EQ(options.backend, "qemu");
    EXPECT_EQ(options.share, "virtiofs");
    EXPECT_EQ(options.runner, "serial");
    EXPECT_EQ(options.timeout, 45s);
    EXPECT_TRUE(options.list_plugins);
    EXPECT_TRUE(options.show_version);
    EXPECT_TRUE(options.show_help);
}

TEST(CliOptions, ShortHelp) { EXPECT_TRUE(parse({"-h"}).show_help); }

TEST(CliOptions, ShortVersionAsUpstream) { EXPECT_TRUE(parse({"-V"}).show_version); }

TEST(CliOptions, ReportersAreRepeatable) {
    const CliOptions options =
        parse({"--reporter", "junit=out/results.xml", "--reporter=tap", "--reporter", "json"});
    ASSERT_EQ(options.reporters.size(), 3u);
    EXPECT_EQ(options.reporters[0], (ReporterSpec{"junit", fs::path("out/results.xml")}));
    EXPECT_EQ(options.reporters[1], (ReporterSpec{"tap", std::nullopt}));
    EXPECT_EQ(options.reporters[2], (ReporterSpec{"json", std::nullopt}));
}

TEST(CliOptions, PluginPathsAreRepeatable) {
    const CliOptions options = parse({"--plugin-path", "/a", "--plugin-path=b"});
    EXPECT_EQ(options.plugin_paths, (std::vector<fs::path>{"/a", "b"}));
}

TEST(CliOptions, VerboseCounts) {
    EXPECT_EQ(parse({"-v"}).verbosity, 1);
    EXPECT_EQ(parse({"-v", "--verbose"}).verbosity, 2);
    EXPECT_EQ(parse({"-vvv"}).verbosity, 3);
}

TEST(CliOptions, UnknownOption) {
    EXPECT_EQ(usage_error_of({"--bogus"}), "unrecognised option '--bogus'");
}

TEST(CliOptions, AbbreviatedOptionsAreNotGuessed) {
    EXPECT_EQ(usage_error_of({"--kern", "bzImage"}), "unrecognised option '--kern'");
}

TEST(CliOptions, MissingValue) {
    EXPECT_EQ(usage_error_of({"--kernel"}),
              "the required argument for option '--kernel' is missing");
}

TEST(CliOptions, RepeatedSingleValueOption) {
    EXPECT_EQ(usage_error_of({"-k", "a", "-k", "b"}),
              "option '--kernel' cannot be specified more than once");
}

TEST(CliOptions, ConfigConflictsWithKernel) {
    EXPECT_EQ(usage_error_of({"-c", "vmtest.toml", "-k", "bzImage"}),
              "--config cannot be used with --kernel");
}

TEST(CliOptions, ConfigConflictsWithCommand) {
    EXPECT_EQ(usage_error_of({"-c", "vmtest.toml", "make", "check"}),
              "--config cannot be used with a command ('make check'): the config's targets "
              "have their own");
    EXPECT_EQ(usage_error_of({"-c", "vmtest.toml", "--", "uname", "-a"}),
              "--config cannot be used with a command ('uname -a'): the config's targets have "
              "their own");
}

TEST(CliOptions, BadTimeout) {
    EXPECT_EQ(usage_error_of({"--timeout", "soon"}),
              "--timeout: expected a positive integer (seconds), got 'soon'");
    EXPECT_EQ(usage_error_of({"--timeout", "0"}),
              "--timeout: expected a positive integer (seconds), got '0'");
    EXPECT_EQ(usage_error_of({"--timeout", "10s"}),
              "--timeout: expected a positive integer (seconds), got '10s'");
    EXPECT_EQ(usage_error_of({"--timeout=-5"}),
              "--timeout: expected a positive integer (seconds), got '-5'");
}

TEST(CliOptions, JobsTakeANumberInEveryUsualSpelling) {
    EXPECT_EQ(parse({}).jobs, std::nullopt) << "default: one at a time, as upstream";
    EXPECT_EQ(parse({"-j", "2"}).jobs, 2);
    EXPECT_EQ(parse({"-j2"}).jobs, 2);
    EXPECT_EQ(parse({"--jobs", "3"}).jobs, 3);
    EXPECT_EQ(parse({"--jobs=4"}).jobs, 4);
    EXPECT_EQ(parse({"-j", "256"}).jobs, 256);
}

TEST(CliOptions, JobsWithoutANumberAskVmtestToChoose) {
    EXPECT_EQ(parse({"-j"}).jobs, k_jobs_auto);
    EXPECT_EQ(parse({"--jobs"}).jobs, k_jobs_auto);
    EXPECT_EQ(parse({"--jobs=auto"}).jobs, k_jobs_auto);
    const auto options = parse({"-j", "-k", "bzImage", "make", "check"});
    EXPECT_EQ(options.jobs, k_jobs_auto);
    EXPECT_EQ(options.kernel, fs::path("bzImage")) << "-k is not taken for -j's value";
    EXPECT_EQ(options.command(), "make check");
    const auto words = parse({"-j", "make", "check"});
    EXPECT_EQ(words.command(), "make check") << "a word is the command, not -j's value";
    EXPECT_EQ(words.jobs, k_jobs_auto);
    EXPECT_EQ(parse({"-j", "--", "make", "-j", "4"}).command(), "make -j 4")
        << "after --, every word is the command's";
}

TEST(CliOptions, BadJobsNameTheFlag) {
    const std::string expected =
        "--jobs: expected a number of targets from 1 to 256 (or no value: as many as the host "
        "can take), got '";
    EXPECT_EQ(usage_error_of({"-j", "0"}), expected + "0'");
    EXPECT_EQ(usage_error_of({"-j", "-1"}), expected + "-1'");
    EXPECT_EQ(usage_error_of({"-j0"}), expected + "0'");
    EXPECT_EQ(usage_error_of({"--jobs=many"}), expected + "many'");
    EXPECT_EQ(usage_error_of({"-j", "257"}), expected + "257'");
    EXPECT_EQ(usage_error_of({"-j", "99999999999999999999"}), expected + "99999999999999999999'");
    EXPECT_EQ(usage_error_of({"-j", "2x"}), expected + "2x'");
    EXPECT_EQ(usage_error_of({"-j", "+2"}), expected + "+2'");
}

TEST(CliOptions, BadFilterRegex) {
    const std::string error = usage_error_of({"-f", "(unclosed"});
    EXPECT_EQ(error.rfind("--filter: invalid regular expression '(unclosed': ", 0), 0u) << error;
}

TEST(CliOptions, BadReporter) {
    EXPECT_EQ(usage_error_of({"--reporter", "junit="}),
              "--reporter: expected NAME or NAME=PATH, got 'junit='");
    EXPECT_EQ(usage_error_of({"--reporter", "=x"}),
              "--reporter: expected NAME or NAME=PATH, got '=x'");
}

TEST(CliOptions, UnsupportedArch) {
    EXPECT_EQ(usage_error_of({"-a", "riscv64"}),
              "--arch: unsupported architecture 'riscv64' (supported: \"x86_64\" or \"aarch64\")");
}

TEST(CliOptions, KargsTooLongForTheKernel) {
    const std::string fits(1965, 'x');
    EXPECT_EQ(parse({"--kargs", fits.c_str()}).kargs, fits);
    const std::string too_long(3000, 'x');
    EXPECT_EQ(usage_error_of({"--kargs", too_long.c_str()}),
              "--kargs: makes the kernel command line 3082 bytes long, more than the 2047 the "
              "kernel accepts (vmtest's own parameters take 82, leaving 1965 for kernel_args)");
}

TEST(CliOptions, KvmCpuArgsWithRefusedQemuOption) {
    EXPECT_EQ(usage_error_of({"--kvm-cpu-args", "-cpu host -daemonize"}),
              "--kvm-cpu-args: QEMU option -daemonize is not allowed: it detaches QEMU from "
              "vmtest, which could then no longer watch or stop it");
    EXPECT_EQ(parse({"--kvm-cpu-args", "-cpu host,pmu=off -s"}).kvm_cpu_args, "-cpu host,pmu=off -s");
}

TEST(CliOptions, EmptyValues) {
    EXPECT_EQ(usage_error_of({"--kernel", ""}), "--kernel: expected a path, got ''");
    EXPECT_EQ(usage_error_of({"--backend", ""}), "--backend: expected a plugin name, got ''");
    EXPECT_EQ(usage_error_of({"--plugin-path", ""}), "--plugin-path: expected a directory, got ''");
    EXPECT_EQ(usage_error_of({"--kernel="}),
              "the argument for option '--kernel' should follow immediately after the equal sign");
}

TEST(CliOptions, HelpTextMentionsEveryFlagAndOverrides) {
    const std::string help = help_text();
    for (const char* flag :
         {"--config", "--filter", "--kernel", "--kargs", "--kvm-cpu-args", "--rootfs", "--arch",
          "--qemu-command", "--backend", "--share", "--runner", "--timeout", "--reporter",
          "--plugin-path", "--list-plugins", "--version", "--verbose", "--help"}) {
        EXPECT_NE(help.find(flag), std::string::npos) << flag;
    }
    EXPECT_NE(help.find("override those fields of every selected target"), std::string::npos);
    EXPECT_EQ(help.find("command arg"), std::string::npos) << "the hidden positional leaked";
}

TEST(RunMode, KernelMeansOneLiner) {
    EXPECT_EQ(decide_mode(parse({"-k", "bzImage", "true"}), true), RunMode::OneLiner);
    EXPECT_EQ(decide_mode(parse({"-k", "bzImage"}), false), RunMode::OneLiner);
}

TEST(RunMode, CommandWithoutConfigFileMeansHostKernelOneLiner) {
    EXPECT_EQ(decide_mode(parse({"uname -r"}), false), RunMode::OneLiner);
}

TEST(RunMode, ConfigFileOtherwise) {
    EXPECT_EQ(decide_mode(parse({"true"}), true), RunMode::ConfigFile);
    EXPECT_EQ(decide_mode(parse({}), false), RunMode::ConfigFile);
    EXPECT_EQ(decide_mode(parse({"-c", "x.toml"}), false), RunMode::ConfigFile);
}

TEST(RunMode, ConfigFilePath) {
    EXPECT_EQ(config_file_path(parse({})), fs::path("vmtest.toml"));
    EXPECT_EQ(config_file_path(parse({"-c", "ci/v.toml"})), fs::path("ci/v.toml"));
}

}  // namespace
}  // namespace vmtest::config

namespace vmtest::config {
namespace {

TEST(CliOptionsListing, ListJsonAndShardAreParsed) {
    const CliOptions defaults = parse({});
    EXPECT_FALSE(defaults.list_targets);
    EXPECT_FALSE(defaults.list_json);
    EXPECT_FALSE(defaults.shard);
    const CliOptions options = parse({"--list", "--json", "--shard", "2/3", "-f", "x"});
    EXPECT_TRUE(options.list_targets);
    EXPECT_TRUE(options.list_json);
    EXPECT_EQ(options.shard, (Shard{2, 3}));
}

TEST(CliOptionsListing, BadValuesNameTheFlag) {
    EXPECT_EQ(usage_error_of({"--shard", "4/3"}).rfind("--shard: ", 0), 0u);
    EXPECT_EQ(usage_error_of({"--shard", "x"}).rfind("--shard: ", 0), 0u);
    EXPECT_EQ(usage_error_of({"--json"}), "--json can only be used with --list");
}

TEST(CliOptions, KernelSplatsTakesFailWarnOrIgnore) {
    EXPECT_FALSE(parse({"true"}).kernel_splats);
    EXPECT_EQ(parse({"--kernel-splats", "warn", "true"}).kernel_splats, KernelSplatPolicy::warn);
    EXPECT_EQ(parse({"--kernel-splats=ignore", "true"}).kernel_splats, KernelSplatPolicy::ignore);
    EXPECT_EQ(parse({"--kernel-splats", "fail", "true"}).kernel_splats, KernelSplatPolicy::fail);
    EXPECT_EQ(usage_error_of({"--kernel-splats", "loud"}),
              "--kernel-splats: expected fail, warn or ignore, got 'loud'");
    EXPECT_EQ(usage_error_of({"--kernel-splats", ""}),
              "--kernel-splats: expected fail, warn or ignore, got ''");
}

}  // namespace
}  // namespace vmtest::config
