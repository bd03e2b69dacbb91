// vmtest.toml files that parse: every field, defaults, path resolution.
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

#include "config/config_file.hpp"
#include "../../support/temp_dir.hpp"

namespace vmtest::config {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path k_file = "/home/user/project/vmtest.toml";

TEST(ConfigFile, MinimalTargetTakesDefaults) {
    const Config config = parse_config(R"(
[[target]]
name = "t"
kernel = "bzImage"
command = "true"
)",
                                       k_file);
    ASSERT_EQ(config.targets.size(), 1u);
    EXPECT_EQ(config.file, k_file);
    EXPECT_TRUE(config.reporters.empty());
    const Target& target = config.targets[0];
    EXPECT_EQ(target.name, "t");
    EXPECT_EQ(target.kernel, fs::path("/home/user/project/bzImage"));
    EXPECT_FALSE(target.image);
    EXPECT_FALSE(target.is_image());
    EXPECT_FALSE(target.uefi);
    EXPECT_EQ(target.kernel_args, "");
    EXPECT_EQ(target.rootfs, fs::path("/"));
    EXPECT_EQ(target.arch, "x86_64");
    EXPECT_EQ(target.command, "true");
    EXPECT_FALSE(target.is_interactive());
    EXPECT_EQ(target.vm.num_cpus, 2);
    EXPECT_EQ(target.vm.memory, "4G");
    EXPECT_TRUE(target.vm.mounts.empty());
    EXPECT_FALSE(target.vm.bios);
    EXPECT_TRUE(target.vm.extra_args.empty());
    EXPECT_FALSE(target.qemu_command);
    EXPECT_FALSE(target.kvm_cpu_args);
    EXPECT_EQ(target.backend, "auto");
    EXPECT_EQ(target.share, "9p");
    EXPECT_EQ(target.runner, "qga");
    EXPECT_EQ(target.timeout, 600s);
    EXPECT_FALSE(target.boot_timeout);
    EXPECT_FALSE(target.root_writable);
    EXPECT_EQ(target.base_dir, fs::path("/home/user/project"));
    EXPECT_EQ(target.workdir, fs::path("/mnt/vmtest"));
}

TEST(ConfigFile, EveryKernelTargetField) {
    const Config config = parse_config(R"(
[[target]]
name = "full"
kernel = "../kernels/bzImage-6.8"
kernel_args = "nokaslr console=ttyS0"
rootfs = "rootfs"
arch = "x86_64"
command = "./run.sh --all"
qemu_command = "/opt/qemu/bin/qemu-system-x86_64"
kvm_cpu_args = "host,pmu=off"
backend = "qemu"
share = "virtiofs"
runner = "serial"
timeout = 30
boot_timeout = 90
root_writable = true

[target.vm]
num_cpus = 8
memory = "512M"
extra_args = ["-device", "virtio-rng-pci"]

[target.vm.mounts]
"/mnt/data" = { host_path = "data", writable = true }
"/opt/tools" = { host_path = "/usr/local/tools" }
)",
                                       k_file);
    ASSERT_EQ(config.targets.size(), 1u);
    const Target& target = config.targets[0];
    EXPECT_EQ(target.kernel, fs::path("/home/user/kernels/bzImage-6.8"));
    EXPECT_EQ(target.kernel_args, "nokaslr console=ttyS0");
    EXPECT_EQ(target.rootfs, fs::path("/home/user/project/rootfs"));
    EXPECT_EQ(target.command, "./run.sh --all");
    EXPECT_EQ(target.qemu_command, "/opt/qemu/bin/qemu-system-x86_64");
    EXPECT_EQ(target.kvm_cpu_args, "host,pmu=off");
    EXPECT_EQ(target.backend, "qemu");
    EXPECT_EQ(target.share, "virtiofs");
    EXPECT_EQ(target.runner, "serial");
    EXPECT_EQ(target.timeout, 30s);
    EXPECT_EQ(target.boot_timeout, 90s);
    EXPECT_TRUE(target.root_writable);
    EXPECT_EQ(target.vm.num_cpus, 8);
    EXPECT_EQ(target.vm.memory, "512M");
    EXPECT_EQ(target.vm.extra_args, (std::vector<std::string>{"-device", "virtio-rng-pci"}));
    ASSERT_EQ(target.vm.mounts.size(), 2u);
    EXPECT_EQ(target.vm.mounts[0].guest_path, "/mnt/data");
    EXPECT_EQ(target.vm.mounts[0].host_path, fs::path("/home/user/project/data"));
    EXPECT_TRUE(target.vm.mounts[0].writable);
    EXPECT_EQ(target.vm.mounts[1].guest_path, "/opt/tools");
    EXPECT_EQ(target.vm.mounts[1].host_path, fs::path("/usr/local/tools"));
    EXPECT_FALSE(target.vm.mounts[1].writable);
}

TEST(ConfigFile, ImageTargetWithUefiAndBios) {
    const Config config = parse_config(R"(
[[target]]
name = "image"
image = "images/disk.qcow2"
uefi = true
command = "uname -r"
vm = { bios = "/usr/share/OVMF/OVMF_CODE.fd", memory = "2048" }
)",
                                       k_file);
    const Target& target = config.targets.at(0);
    EXPECT_TRUE(target.is_image());
    EXPECT_EQ(target.image, fs::path("/home/user/project/images/disk.qcow2"));
    EXPECT_FALSE(target.kernel);
    EXPECT_TRUE(target.uefi);
    EXPECT_EQ(target.vm.bios, fs::path("/usr/share/OVMF/OVMF_CODE.fd"));
    EXPECT_EQ(target.vm.memory, "2048");
    EXPECT_FALSE(target.image_writable);
}

TEST(ConfigFile, ImageWritableIsRead) {
    const Config config = parse_config(R"(
[[target]]
name = "image"
image = "disk.raw"
image_writable = true
command = "true"
)",
                                       k_file);
    EXPECT_TRUE(config.targets.at(0).image_writable);
}

TEST(ConfigFile, RelativeBiosResolvesAgainstConfigDir) {
    const Config config = parse_config(R"(
[[target]]
name = "image"
image = "/images/disk.img"
uefi = true
command = "true"
[target.vm]
bios = "./fw/../firmware/OVMF.fd"
)",
                                       k_file);
    EXPECT_EQ(config.targets.at(0).vm.bios, fs::path("/home/user/project/firmware/OVMF.fd"));
    EXPECT_EQ(config.targets.at(0).image, fs::path("/images/disk.img"));
}

TEST(ConfigFile, TargetsKeepFileOrder) {
    const Config config = parse_config(R"(
[[target]]
name = "zeta"
kernel = "a"
command = "true"

[[target]]
name = "alpha"
kernel = "b"
command = "false"
)",
                                       k_file);
    ASSERT_EQ(config.targets.size(), 2u);
    EXPECT_EQ(config.targets[0].name, "zeta");
    EXPECT_EQ(config.targets[1].name, "alpha");
    EXPECT_EQ(config.targets[1].command, "false");
}

TEST(ConfigFile, InlineArrayOfTargetTablesIsAccepted) {
    const Config config = parse_config(
        R"(target = [{ name = "a", kernel = "k", command = "true" }])", k_file);
    ASSERT_EQ(config.targets.size(), 1u);
    EXPECT_EQ(config.targets[0].name, "a");
}

// Upstream relies on this: vmtest-action puts arbitrary scripts in '''...'''.
TEST(ConfigFile, TripleQuotedLiteralStringsKeepQuotes) {
    const Config config = parse_config(R"(
[[target]]
name = "test"
kernel = "k"
command = '''this string has 'single' and "double" quotes'''
)",
                                       k_file);
    EXPECT_EQ(config.targets.at(0).command, R"(this string has 'single' and "double" quotes)");
}

TEST(ConfigFile, TripleQuotedLiteralStringsKeepBackslashes) {
    const Config config = parse_config(R"(
[[target]]
name = "test"
kernel = "k"
command = '''this string has \back \slash\es'''
)",
                                       k_file);
    EXPECT_EQ(config.targets.at(0).command, R"(this string has \back \slash\es)");
}

TEST(ConfigFile, MultiLineLiteralCommandKeepsNewlines) {
    const Config config = parse_config(R"(
[[target]]
name = "test"
kernel = "k"
command = '''
set -e
echo "$HOME" \
  done
'''
)",
                                       k_file);
    EXPECT_EQ(config.targets.at(0).command, "set -e\necho \"$HOME\" \\\n  done\n");
}

TEST(ConfigFile, InteractiveCommand) {
    const Config config = parse_config(R"(
[[target]]
name = "shell"
kernel = "k"
command = "-"
)",
                                       k_file);
    EXPECT_TRUE(config.targets.at(0).is_interactive());
}

TEST(ConfigFile, ReportersAreParsedAndResolved) {
    const Config config = parse_config(R"(
# Top-level: applies to the whole run.
reporters = ["junit=out/results.xml", "tap", "json=/tmp/r.json"]

[[target]]
name = "t"
kernel = "k"
command = "true"
)",
                                       k_file);
    ASSERT_EQ(config.reporters.size(), 3u);
    EXPECT_EQ(config.reporters[0],
              (ReporterSpec{"junit", fs::path("/home/user/project/out/results.xml")}));
    EXPECT_EQ(config.reporters[1], (ReporterSpec{"tap", std::nullopt}));
    EXPECT_EQ(config.reporters[2], (ReporterSpec{"json", fs::path("/tmp/r.json")}));
}

TEST(ConfigFile, JobsIsADocumentLevelCount) {
    const Config config = parse_config(R"(
jobs = 3

[[target]]
name = "t"
kernel = "k"
command = "true"
)",
                                       k_file);
    EXPECT_EQ(config.jobs, 3);
    EXPECT_EQ(parse_config("[[target]]\nname = \"t\"\nkernel = \"k\"\ncommand = \"c\"\n", k_file).jobs,
              std::nullopt);
}

TEST(ConfigFile, MountsAreSortedByGuestPath) {
    const Config config = parse_config(R"(
[[target]]
name = "t"
image = "img"
command = "true"
[target.vm.mounts."/srv/b"]
host_path = "b"
[target.vm.mounts."/srv"]
host_path = "./x/../a"
writable = false
)",
                                       k_file);
    const auto& mounts = config.targets.at(0).vm.mounts;
    ASSERT_EQ(mounts.size(), 2u);
    EXPECT_EQ(mounts[0].guest_path, "/srv");
    EXPECT_EQ(mounts[0].host_path, fs::path("/home/user/project/a"));
    EXPECT_EQ(mounts[1].guest_path, "/srv/b");
    EXPECT_EQ(mounts[1].host_path, fs::path("/home/user/project/b"));
}

TEST(ConfigFile, PluginNamesKeepWhereTheyWereSet) {
    const Config config = parse_config(R"(
[[target]]
name = "t"
kernel = "k"
command = "true"
backend = "nosuch"
  runner = "qga"
)",
                                       "dir/vmtest.toml");
    const Target& target = config.targets.at(0);
    EXPECT_EQ(target.origins.at("backend"), (FieldOrigin{"dir/vmtest.toml", SourcePosition{6, 1}, ""}));
    EXPECT_EQ(target.origins.at("runner"), (FieldOrigin{"dir/vmtest.toml", SourcePosition{7, 3}, ""}));
    EXPECT_EQ(target.origins.count("share"), 0u);  // the default
    try {
        fail_at_origin(target, "backend", "no backend plugin named 'nosuch'");
        FAIL() << "no error";
    } catch (const ConfigError& error) {
        EXPECT_STREQ(error.what(), "dir/vmtest.toml:6:1: target 't': field 'backend': no backend "
                                   "plugin named 'nosuch'");
    }
    EXPECT_NO_THROW(fail_at_origin(target, "share", "no share plugin named '9p'"));
}

TEST(ConfigFile, RelativeFileNameResolvesAgainstWorkingDirectory) {
    const Config config = parse_config(R"(
[[target]]
name = "t"
kernel = "bzImage"
command = "true"
)",
                                       "sub/vmtest.toml");
    const fs::path cwd = fs::current_path();
    EXPECT_EQ(config.targets.at(0).base_dir, (cwd / "sub").lexically_normal());
    EXPECT_EQ(config.targets.at(0).kernel, (cwd / "sub/bzImage").lexically_normal());
    EXPECT_EQ(config.file, fs::path("sub/vmtest.toml"));
}

TEST(ConfigFile, LoadReadsFileFromDisk) {
    const test_support::TempDir temp;
    const fs::path& dir = temp.path();
    {
        std::ofstream out(dir / "vmtest.toml");
        out << "[[target]]\nname = \"disk\"\nkernel = \"bzImage\"\ncommand = '''echo \\o/'''\n";
    }
    const Config config = load_config_file(dir / "vmtest.toml");
    ASSERT_EQ(config.targets.size(), 1u);
    EXPECT_EQ(config.targets[0].name, "disk");
    EXPECT_EQ(config.targets[0].command, "echo \\o/");
    EXPECT_EQ(config.targets[0].kernel, dir / "bzImage");
    EXPECT_EQ(config.targets[0].base_dir, dir);
}

}  // namespace
}  // namespace vmtest::config
