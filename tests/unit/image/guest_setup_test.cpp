#include "image/guest_setup.hpp"

#include <cstdlib>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../../support/temp_dir.hpp"

namespace vmtest::image {
namespace {

using test_support::TempDir;
using ::testing::HasSubstr;

GuestSetup nine_p_setup() {
    GuestSetup setup;
    setup.modules = {"9pnet_virtio", "9p"};
    setup.mounts = {{"9p", "vmtest_project", "/mnt/vmtest", "trans=virtio,version=9p2000.L", false},
                    {"9p", "vmtest_mount0", "/srv/it's data", "trans=virtio", true}};
    return setup;
}

TEST(GuestSetup, TheScriptLoadsModulesChecksTheFilesystemAndMountsEachShare) {
    const auto script = setup_script(nine_p_setup());
    EXPECT_THAT(script, HasSubstr("modprobe -q '9pnet_virtio'"));
    EXPECT_THAT(script, HasSubstr("modprobe -q '9p'"));
    EXPECT_THAT(script, HasSubstr("grep -qw '9p' /proc/filesystems"));
    EXPECT_THAT(script, HasSubstr("mount -t '9p' -o 'trans=virtio,version=9p2000.L' "
                                  "'vmtest_project' '/mnt/vmtest'"));
    // Read-only entries add ro; quotes in paths survive.
    EXPECT_THAT(script, HasSubstr("-o 'trans=virtio,ro' 'vmtest_mount0' '/srv/it'\\''s data'"));
}

// The script is POSIX sh: run it on the host with fake modprobe, grep and
// mount on PATH to check what it prints and how it ends.
struct ScriptRun {
    std::string output;
    int status;
};

ScriptRun run_script(const TempDir& dir, const std::string& script, bool has_9p) {
    const auto bin = dir.path() / "bin";
    std::filesystem::create_directories(bin);
    const auto fake = [&](const std::string& name, const std::string& body) {
        std::ofstream(bin / name) << "#!/bin/sh\n" << body << "\n";
        std::filesystem::permissions(bin / name, std::filesystem::perms::owner_all);
    };
    fake("modprobe", "exit 0");
    fake("grep", has_9p ? "exit 0" : "exit 1");
    fake("mount", "echo \"mounted $*\" >>" + (dir.path() / "mounts").string());
    fake("mkdir", "exit 0");
    fake("sleep", "exit 0");
    std::ofstream(dir.path() / "script.sh") << script;
    const std::string command = "PATH=" + bin.string() + ":/usr/bin:/bin sh " +
                                (dir.path() / "script.sh").string() + " >" +
                                (dir.path() / "out").string();
    const int status = std::system(command.c_str());
    std::ifstream in(dir.path() / "out");
    return {std::string((std::istreambuf_iterator<char>(in)), {}), WEXITSTATUS(status)};
}

TEST(GuestSetup, ASuccessfulSetupNamesTheShell) {
    TempDir dir;
    const auto setup = nine_p_setup();
    const auto run = run_script(dir, setup_script(setup), true);
    const auto result = read_setup_result(setup, run.output, run.status);
    EXPECT_FALSE(result.error) << *result.error;
    EXPECT_TRUE(result.shell == "/bin/bash" || result.shell == "/bin/sh") << result.shell;
}

TEST(GuestSetup, AKernelWithout9pIsNamedWithTheModulesItLacks) {
    TempDir dir;
    const auto setup = nine_p_setup();
    const auto run = run_script(dir, setup_script(setup), false);
    EXPECT_NE(run.status, 0);
    const auto result = read_setup_result(setup, run.output, run.status);
    ASSERT_TRUE(result.error);
    EXPECT_THAT(*result.error,
                HasSubstr("the image's kernel has no 9p support (9pnet_virtio, 9p)"));
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "mounts")); // nothing mounted
}

TEST(GuestSetup, AFailedMountIsReportedWithMountsMessage) {
    const auto result = read_setup_result(
        nine_p_setup(), "vmtest-error: mount /mnt/vmtest: mount: permission denied\n", 1);
    ASSERT_TRUE(result.error);
    EXPECT_EQ(*result.error, "cannot mount in the image: /mnt/vmtest: mount: permission denied");
}

TEST(GuestSetup, AnythingElseKeepsTheOutput) {
    const auto result = read_setup_result(nine_p_setup(), "sh: weird\n", 2);
    ASSERT_TRUE(result.error);
    EXPECT_THAT(*result.error, HasSubstr("failed (status 2): sh: weird"));
}

} // namespace
} // namespace vmtest::image
