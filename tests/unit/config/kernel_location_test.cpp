// Kernels and modules as locations: URLs kept as written, paths resolved,
// SHA-256 pins checked, in vmtest.toml and on the command line.
#include <gtest/gtest.h>

#include "config/config_file.hpp"
#include "config/kernel_location.hpp"
#include "config/targets_from_cli.hpp"

namespace vmtest::config {
namespace {

namespace fs = std::filesystem;

const fs::path k_file = "/home/user/project/vmtest.toml";
const std::string k_sha = "d1bfac79e7318f67e4b2dc13698090d822af87d9e2db79b18db53c36b7e8eddd";

Target only_target(const std::string& fields) {
    return parse_config("[[target]]\nname = \"t\"\ncommand = \"true\"\n" + fields, k_file)
        .targets.at(0);
}

std::string error_of(const std::string& fields) {
    try {
        (void)only_target(fields);
    } catch (const ConfigError& error) {
        return error.what();
    }
    ADD_FAILURE() << "no error for " << fields;
    return "";
}

CliOptions parse(std::vector<const char*> args) {
    args.insert(args.begin(), "vmtest");
    return parse_cli(static_cast<int>(args.size()), args.data());
}

TEST(KernelLocation, UrlsAreRecognizedAndKeptAsWritten) {
    EXPECT_TRUE(is_url("http://h/k.deb"));
    EXPECT_TRUE(is_url("HTTPS://h/k.deb"));
    EXPECT_FALSE(is_url("ftp://h/k.deb"));
    EXPECT_FALSE(is_url("http/k.deb"));
    EXPECT_FALSE(is_url("/boot/vmlinuz"));
    // A path's normalization would turn "//" into "/".
    EXPECT_EQ(resolve_location("/p", "https://h//a/../k.deb"), fs::path("https://h//a/../k.deb"));
    EXPECT_EQ(resolve_location("/p", "debs/../k.deb"), fs::path("/p/k.deb"));
    EXPECT_EQ(resolve_location("", "k.deb"), fs::path("k.deb"));
}

TEST(KernelLocation, FileNamesOfPathsAndUrls) {
    EXPECT_EQ(location_file_name("/k/bzImage-6.8"), "bzImage-6.8");
    EXPECT_EQ(location_file_name("https://h/pool/linux-image-6.12.9%2Bbpo-amd64.deb?x=1#top"),
              "linux-image-6.12.9+bpo-amd64.deb");
    EXPECT_EQ(location_file_name("http://h/100%"), "100%");
    EXPECT_EQ(location_file_name("http://h/"), "");
}

TEST(KernelLocation, Sha256IsSixtyFourHexDigits) {
    EXPECT_TRUE(is_sha256_hex(k_sha));
    EXPECT_TRUE(is_sha256_hex(std::string(64, 'F')));
    EXPECT_FALSE(is_sha256_hex(k_sha.substr(1)));
    EXPECT_FALSE(is_sha256_hex(std::string(63, 'a') + "g"));
}

TEST(KernelLocationConfig, UrlKernelModulesAndPins) {
    const Target target = only_target("kernel = \"https://example.org/k.deb\"\n"
                                      "kernel_sha256 = \"" +
                                      std::string(64, 'A') +
                                      "\"\n"
                                      "modules = \"mods/linux-modules.deb\"\n");
    EXPECT_EQ(target.kernel, fs::path("https://example.org/k.deb"));
    EXPECT_EQ(target.kernel_sha256, std::string(64, 'a')) << "pins are compared in lowercase";
    EXPECT_EQ(target.modules, fs::path("/home/user/project/mods/linux-modules.deb"));
    EXPECT_FALSE(target.modules_sha256);
}

TEST(KernelLocationConfig, BadPinsAndModulesNameTheirField) {
    EXPECT_EQ(error_of("kernel = \"http://h/k\"\nkernel_sha256 = \"abc\"\n"),
              "/home/user/project/vmtest.toml:5:1: target 't': field 'kernel_sha256' must be a "
              "SHA-256 as 64 hexadecimal digits, got \"abc\"");
    EXPECT_EQ(error_of("kernel = \"bzImage\"\nkernel_sha256 = \"" + k_sha + "\"\n"),
              "/home/user/project/vmtest.toml:5:1: target 't': field 'kernel_sha256' needs "
              "'kernel' to be an http:// or https:// URL");
    EXPECT_EQ(error_of("kernel = \"bzImage\"\nmodules_sha256 = \"" + k_sha + "\"\n"),
              "/home/user/project/vmtest.toml:5:1: target 't': field 'modules_sha256' needs "
              "'modules' to be an http:// or https:// URL");
    EXPECT_EQ(error_of("image = \"disk.img\"\nmodules = \"m\"\n"),
              "/home/user/project/vmtest.toml:5:1: target 't': field 'modules' cannot be used with "
              "'image'");
    EXPECT_EQ(error_of("kernel = \"bzImage\"\nmodules = \"\"\n"),
              "/home/user/project/vmtest.toml:5:1: target 't': field 'modules' must not be empty");
}

TEST(KernelLocationCli, OneLinerKeepsAUrlAndResolvesModules) {
    const auto options = parse({"-k", "http://h/pool/k.deb", "--modules", "mods", "true"});
    const Target target = make_oneliner_target(options, "/work", options.kernel);
    EXPECT_EQ(target.kernel, fs::path("http://h/pool/k.deb"));
    EXPECT_EQ(target.name, "k.deb");
    EXPECT_EQ(target.modules, fs::path("/work/mods"));
}

TEST(KernelLocationCli, ModulesOverrideDropsThePinOfTheModulesItReplaces) {
    Target target = only_target("kernel = \"bzImage\"\nmodules = \"http://h/m.deb\"\n"
                                "modules_sha256 = \"" +
                                k_sha + "\"\n");
    apply_overrides(target, parse({"--modules", "/m"}), "/cwd");
    EXPECT_EQ(target.modules, fs::path("/m"));
    EXPECT_FALSE(target.modules_sha256);

    Target image = only_target("image = \"disk.img\"\n");
    apply_overrides(image, parse({"--modules", "/m"}), "/cwd");
    EXPECT_FALSE(image.modules) << "an image boots its own kernel";
}

TEST(KernelLocationCli, EmptyModulesFlagIsRefused) {
    EXPECT_THROW((void)parse({"--modules", "", "true"}), UsageError);
}

} // namespace
} // namespace vmtest::config
