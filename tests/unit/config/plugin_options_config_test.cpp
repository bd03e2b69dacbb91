// Plugin options as vmtest.toml ([target.<kind>_options]) and the command
// line (--plugin-option KIND.NAME=VALUE) give them. Which names and types a
// plugin takes is checked later, against the plugins (tests/unit/run).
#include <gtest/gtest.h>

#include <initializer_list>

#include "cli_parse.hpp"
#include "config/cli_options.hpp"
#include "config/config_file.hpp"
#include "config/targets_from_cli.hpp"

namespace vmtest::config {
namespace {

constexpr std::string_view k_head = "[[target]]\nname = \"t\"\nkernel = \"k\"\ncommand = \"c\"\n";

Target target_of(std::string_view rest) {
    return parse_config(std::string(k_head) + std::string(rest), "vmtest.toml").targets.at(0);
}

std::string error_of(std::string_view rest) {
    try {
        target_of(rest);
    } catch (const ConfigError& error) {
        return error.what();
    }
    return "<no error>";
}

using testing::parse;
using testing::usage_error_of;

TEST(PluginOptionsConfig, EachKindsTableIsReadAsJsonWithEachValuesPlace) {
    const Target target = target_of("[target.backend_options]\n"
                                    "probe_timeout_ms = 2000\n"
                                    "extra_args = [\"-device\", \"virtio-rng-pci\"]\n"
                                    "[target.share_options]\n"
                                    "msize = 65536\n"
                                    "[target.runner_options]\n"
                                    "fast = true\nratio = 1.5\nlabel = \"x\"\n");
    EXPECT_EQ(target.plugin_options.at("backend"),
              (nlohmann::json{{"probe_timeout_ms", 2000},
                              {"extra_args", {"-device", "virtio-rng-pci"}}}));
    EXPECT_EQ(target.plugin_options.at("share"), (nlohmann::json{{"msize", 65536}}));
    EXPECT_EQ(target.plugin_options.at("runner"),
              (nlohmann::json{{"fast", true}, {"ratio", 1.5}, {"label", "x"}}));
    const auto& origin = target.origins.at("share_options.msize");
    EXPECT_EQ(origin.file, "vmtest.toml");
    EXPECT_EQ(origin.position, (SourcePosition{9, 1}));
}

TEST(PluginOptionsConfig, AValueWithNoJsonFormIsRefusedAtItsLine) {
    EXPECT_EQ(error_of("[target.share_options]\nmsize = { a = 1 }\n"),
              "vmtest.toml:6:1: target 't': field 'share_options.msize' must be a string, number, "
              "boolean or array of them, got a table");
}

TEST(PluginOptionsConfig, AnAliasAndItsOptionTogetherAreRefused) {
    EXPECT_EQ(error_of("qemu_command = \"/a\"\n[target.backend_options]\nqemu_command = \"/b\"\n"),
              "vmtest.toml:7:1: target 't': field 'backend_options.qemu_command' and field "
              "'qemu_command' set the same option; keep one");
    EXPECT_EQ(error_of("[target.vm]\nextra_args = [\"-s\"]\n[target.backend_options]\n"
                       "extra_args = [\"-s\"]\n"),
              "vmtest.toml:8:1: target 't': field 'backend_options.extra_args' and field "
              "'vm.extra_args' set the same option; keep one");
}

TEST(PluginOptionsConfig, QemuArgumentsAreRefusedAsOptionsToo) {
    EXPECT_EQ(
        error_of("[target.backend_options]\nextra_args = [\"-device\", \"x\", \"-daemonize\"]\n"),
        "vmtest.toml:6:1: target 't': field 'backend_options.extra_args': [2]: QEMU option "
        "-daemonize is not allowed: it detaches QEMU from vmtest, which could then no longer "
        "watch or stop it");
}

TEST(PluginOptionsFlag, ValuesAreTomlElseText) {
    const auto options =
        parse({"--plugin-option", "share.msize=65536", "--plugin-option",
               "backend.qemu_command=/opt/qemu bin", "--plugin-option",
               "backend.extra_args=[\"-s\"]", "--plugin-option", "runner.label=\"123\""});
    ASSERT_EQ(options.plugin_options.size(), 4u);
    EXPECT_EQ(options.plugin_options[0], (PluginOptionFlag{"share", "msize", 65536}));
    EXPECT_EQ(options.plugin_options[1],
              (PluginOptionFlag{"backend", "qemu_command", "/opt/qemu bin"}));
    EXPECT_EQ(options.plugin_options[2],
              (PluginOptionFlag{"backend", "extra_args", nlohmann::json::array({"-s"})}));
    EXPECT_EQ(options.plugin_options[3], (PluginOptionFlag{"runner", "label", "123"}));
}

TEST(PluginOptionsFlag, AMalformedFlagIsAUsageError) {
    EXPECT_EQ(usage_error_of({"--plugin-option", "reporter.x=1"}),
              "--plugin-option: expected KIND.NAME=VALUE with KIND backend, share or runner, got "
              "'reporter.x=1'");
    EXPECT_EQ(usage_error_of({"--plugin-option", "share.msize"}),
              "--plugin-option: expected KIND.NAME=VALUE with KIND backend, share or runner, got "
              "'share.msize'");
    EXPECT_EQ(usage_error_of({"--plugin-option", "backend.extra_args=[\"-S\"]"}).substr(0, 51),
              "--plugin-option backend.extra_args: [0]: QEMU optio");
}

TEST(PluginOptionsFlag, FlagsOverrideTheFileAndRecordTheFlagAsOrigin) {
    Target target = target_of("[target.share_options]\nmsize = 4096\n[target.backend_options]\n"
                              "qemu_command = \"/from/file\"\n");
    apply_overrides(target, parse({"--plugin-option", "share.msize=8192", "-q", "/from/flag"}),
                    "/");
    EXPECT_EQ(target.plugin_options.at("share").at("msize"), 8192);
    EXPECT_EQ(origin_label(target, "share_options.msize"), "--plugin-option share.msize");
    // -q stands for the qemu_command option: it replaces the file's.
    EXPECT_FALSE(target.plugin_options.at("backend").contains("qemu_command"));
    EXPECT_EQ(target.qemu_command, "/from/flag");
}

} // namespace
} // namespace vmtest::config
