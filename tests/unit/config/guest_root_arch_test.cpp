// A kernel target's guest root must run on its arch: the host's root only on
// the host's, a root filesystem only on the arch of its programs. Checked
// when the config or the flags are read, in one line naming the field.
#include <gtest/gtest.h>

#include <fstream>
#include <initializer_list>

#include "../../support/elf_stub.hpp"
#include "../../support/temp_dir.hpp"
#include "config/config_file.hpp"
#include "config/guest_root_arch.hpp"
#include "config/targets_from_cli.hpp"

namespace vmtest::config {
namespace {

namespace fs = std::filesystem;
using test_support::k_elf_aarch64;
using test_support::k_elf_x86_64;
using test_support::write_elf_stub;

// The other supported arch than the host's: the one a guest root must be
// given for.
const std::string k_foreign_arch = k_default_arch == "x86_64" ? "aarch64" : "x86_64";
const unsigned k_foreign_machine = k_default_arch == "x86_64" ? k_elf_aarch64 : k_elf_x86_64;
const unsigned k_host_machine = k_default_arch == "x86_64" ? k_elf_x86_64 : k_elf_aarch64;

std::string config_error_of(const std::string& text) {
    try {
        parse_config(text, "vmtest.toml");
    } catch (const ConfigError& error) {
        return error.what();
    }
    return "<no error>";
}

std::string usage_error_of(std::initializer_list<const char*> args) {
    std::vector<const char*> argv{"vmtest"};
    argv.insert(argv.end(), args.begin(), args.end());
    try {
        const auto options = parse_cli(static_cast<int>(argv.size()), argv.data());
        make_oneliner_target(options, "/cwd", fs::path("/k/Image"));
    } catch (const UsageError& error) {
        return error.what();
    }
    return "<no error>";
}

TEST(RootFilesystemArch, IsTheArchOfItsShell) {
    test_support::TempDir root;
    write_elf_stub(root.path() / "bin/bash", k_elf_aarch64);
    EXPECT_EQ(root_filesystem_arch(root.path()), "aarch64");
}

TEST(RootFilesystemArch, FallsBackToShWhenThereIsNoBash) {
    test_support::TempDir root;
    write_elf_stub(root.path() / "bin/dash", k_elf_x86_64);
    fs::create_symlink("dash", root.path() / "bin/sh");
    EXPECT_EQ(root_filesystem_arch(root.path()), "x86_64");
}

TEST(RootFilesystemArch, FollowsLinksInsideTheRootNeverOutOfIt) {
    test_support::TempDir root;
    // Merged /usr, and an absolute link as a guest sees it: from its root.
    write_elf_stub(root.path() / "usr/bin/bash", k_elf_aarch64);
    fs::create_symlink("usr/bin", root.path() / "bin");
    EXPECT_EQ(root_filesystem_arch(root.path()), "aarch64");

    test_support::TempDir absolute;
    write_elf_stub(absolute.path() / "usr/bin/bash", k_elf_aarch64);
    fs::create_directories(absolute.path() / "bin");
    fs::create_symlink("/usr/bin/bash", absolute.path() / "bin/bash");
    EXPECT_EQ(root_filesystem_arch(absolute.path()), "aarch64");

    // ".." stops at the root, as in a chroot: this is the root's own
    // usr/bin/bash, not whatever lies above it on the host.
    test_support::TempDir climbing;
    write_elf_stub(climbing.path() / "usr/bin/bash", k_elf_x86_64);
    fs::create_directories(climbing.path() / "bin");
    fs::create_symlink("../../../../../usr/bin/bash", climbing.path() / "bin/bash");
    EXPECT_EQ(root_filesystem_arch(climbing.path()), "x86_64");
}

TEST(RootFilesystemArch, NoShellLoopsOrScriptsSayNothing) {
    test_support::TempDir empty;
    EXPECT_FALSE(root_filesystem_arch(empty.path()));

    test_support::TempDir looping;
    fs::create_directories(looping.path() / "bin");
    fs::create_symlink("sh", looping.path() / "bin/bash");
    fs::create_symlink("bash", looping.path() / "bin/sh");
    EXPECT_FALSE(root_filesystem_arch(looping.path()));

    test_support::TempDir script;
    fs::create_directories(script.path() / "bin");
    std::ofstream(script.path() / "bin/bash") << "#!/bin/true\n";
    EXPECT_FALSE(root_filesystem_arch(script.path()));
}

TEST(GuestRootProblem, ForeignArchNeedsARootFilesystem) {
    Target target;
    target.kernel = "/k/Image";
    target.arch = k_foreign_arch;
    const auto problem = guest_root_problem(target);
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->field, "arch");
    EXPECT_EQ(problem->message, "\"" + k_foreign_arch +
                                    "\" cannot run the host's own root, whose programs are " +
                                    std::string(k_default_arch) + ": give a root filesystem of " +
                                    k_foreign_arch + " (rootfs, -r)");
}

TEST(GuestRootProblem, RootFilesystemOfTheTargetsArchIsFine) {
    test_support::TempDir root;
    write_elf_stub(root.path() / "bin/bash", k_foreign_machine);
    Target target;
    target.kernel = "/k/Image";
    target.arch = k_foreign_arch;
    target.rootfs = root.path();
    EXPECT_FALSE(guest_root_problem(target));
    // Nothing to read (no shell, or no such directory yet): the run says so.
    target.rootfs = root.path() / "absent";
    EXPECT_FALSE(guest_root_problem(target));
}

TEST(ConfigFile, ForeignArchWithoutRootfsIsRefusedAtItsArchField) {
    EXPECT_EQ(config_error_of("[[target]]\nname = \"arm\"\nkernel = \"Image\"\narch = \"" +
                              k_foreign_arch + "\"\ncommand = \"true\"\n"),
              "vmtest.toml:4:1: target 'arm': field 'arch': \"" + k_foreign_arch +
                  "\" cannot run the host's own root, whose programs are " +
                  std::string(k_default_arch) + ": give a root filesystem of " + k_foreign_arch +
                  " (rootfs, -r)");
}

TEST(ConfigFile, RootfsOfAnotherArchIsRefusedAtItsRootfsField) {
    test_support::TempDir root;
    write_elf_stub(root.path() / "bin/bash", k_foreign_machine);
    EXPECT_EQ(config_error_of("[[target]]\nname = \"x\"\nkernel = \"k\"\nrootfs = \"" +
                              root.path().string() + "\"\ncommand = \"true\"\n"),
              "vmtest.toml:4:1: target 'x': field 'rootfs': " + root.path().string() + " holds " +
                  k_foreign_arch + " programs (its shell is one), but arch is \"" +
                  std::string(k_default_arch) + "\"");
}

TEST(ConfigFile, ImageTargetsOfAnyArchBringTheirOwnRoot) {
    const auto config = parse_config("[[target]]\nname = \"i\"\nimage = \"disk.qcow2\"\n"
                                     "arch = \"aarch64\"\ncommand = \"true\"\n",
                                     "vmtest.toml");
    ASSERT_EQ(config.targets.size(), 1U);
    EXPECT_EQ(config.targets[0].arch, "aarch64");
    // arm64 has no BIOS: its images boot with UEFI whatever `uefi` says.
    EXPECT_TRUE(config.targets[0].boots_with_uefi());
}

TEST(CliFlags, ForeignArchWithoutRootfsIsRefusedAtArch) {
    const std::string arch = k_foreign_arch;
    EXPECT_EQ(usage_error_of({"-a", arch.c_str(), "true"}),
              "--arch: \"" + k_foreign_arch +
                  "\" cannot run the host's own root, whose programs are " +
                  std::string(k_default_arch) + ": give a root filesystem of " + k_foreign_arch +
                  " (rootfs, -r)");
}

TEST(CliFlags, RootfsOfAnotherArchIsRefusedAtRootfs) {
    test_support::TempDir root;
    write_elf_stub(root.path() / "bin/bash", k_host_machine);
    const std::string arch = k_foreign_arch;
    const std::string rootfs = root.path().string();
    EXPECT_EQ(usage_error_of({"-a", arch.c_str(), "-r", rootfs.c_str(), "true"}),
              "--rootfs: " + rootfs + " holds " + std::string(k_default_arch) +
                  " programs (its shell is one), but arch is \"" + k_foreign_arch + "\"");
    write_elf_stub(root.path() / "bin/bash", k_foreign_machine);
    EXPECT_EQ(usage_error_of({"-a", arch.c_str(), "-r", rootfs.c_str(), "true"}), "<no error>");
}

} // namespace
} // namespace vmtest::config
