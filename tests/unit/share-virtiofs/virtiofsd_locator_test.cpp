#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../../support/share_test_support.hpp"
#include "virtiofsd_locator.hpp"
#include "vmtest/sdk/plugin.hpp"

namespace vmtest::virtiofs {
namespace {

using ::testing::HasSubstr;
using shares_test::ScopedEnv;
using shares_test::TempDir;

// Excerpts of each daemon's --help.
constexpr const char* k_qemu_help =
    "usage: virtiofsd [options]\n"
    "    -o source=PATH             shared directory tree\n"
    "    --fd=FDNUM                 fd number of vhost-user socket\n";
constexpr const char* k_rust_help =
    "Usage: virtiofsd [OPTIONS]\n"
    "      --shared-dir <SHARED_DIR>\n"
    "      --fd <FD>\n"
    "      --allow-mmap\n";

std::string failure_of(const std::function<void()>& body) {
    try {
        body();
    } catch (const sdk::Error& e) {
        EXPECT_EQ(e.status(), VMTEST_UNSUPPORTED);
        return e.what();
    }
    return "no failure";
}

std::filesystem::path script(const TempDir& dir, const std::string& name, const std::string& body) {
    const auto path = dir.path() / name;
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
    return path;
}

TEST(VirtiofsdLocator, TellsTheTwoDaemonsApartByTheirHelp) {
    const auto qemu = recognize_virtiofsd("/q", k_qemu_help);
    ASSERT_TRUE(qemu);
    EXPECT_EQ(qemu->dialect, Dialect::qemu_c);
    const auto rust = recognize_virtiofsd("/r", k_rust_help);
    ASSERT_TRUE(rust);
    EXPECT_EQ(rust->dialect, Dialect::rust);
    EXPECT_TRUE(rust->allow_mmap);
    EXPECT_FALSE(recognize_virtiofsd("/x", "usage: something else\n"));
}

TEST(VirtiofsdLocator, RecognizesTheInstalledDaemon) {
    const auto installed = shares_test::installed_virtiofsd();
    if (installed.empty()) {
        GTEST_SKIP() << "no virtiofsd installed";
    }
    ScopedEnv env(k_virtiofsd_env, installed.string());
    EXPECT_EQ(find_virtiofsd().path, installed);
}

TEST(VirtiofsdLocator, LooksOnPathAndInTheDistributionsDirectories) {
    const auto candidates = virtiofsd_candidates();
    EXPECT_THAT(candidates, ::testing::Contains(std::filesystem::path("/usr/lib/qemu/virtiofsd")));
    EXPECT_THAT(candidates, ::testing::Contains(std::filesystem::path("/usr/libexec/virtiofsd")));
}

TEST(VirtiofsdLocator, EnvironmentOverrideWinsAndIsCheckedWithAClearReason) {
    TempDir dir;
    {
        ScopedEnv env(k_virtiofsd_env,
                      script(dir, "rusty", "echo '      --shared-dir <DIR>'").string());
        const auto found = find_virtiofsd();
        EXPECT_EQ(found.path, dir.path() / "rusty");
        EXPECT_EQ(found.dialect, Dialect::rust);
        EXPECT_FALSE(found.allow_mmap);
    }
    {
        ScopedEnv env(k_virtiofsd_env, (dir.path() / "missing").string());
        EXPECT_THAT(failure_of([] { find_virtiofsd(); }),
                    HasSubstr("VMTEST_VIRTIOFSD=" + (dir.path() / "missing").string() +
                              " is not an executable file"));
    }
    {
        ScopedEnv env(k_virtiofsd_env, script(dir, "other", "echo hello").string());
        EXPECT_THAT(failure_of([] { find_virtiofsd(); }),
                    HasSubstr("does not look like virtiofsd"));
    }
}

TEST(VirtiofsdLocator, WithoutAnyDaemonSaysWhereItLookedAndWhatToInstall) {
    TempDir dir;
    const auto other = script(dir, "not-virtiofsd", "echo hello");
    const auto message = failure_of([&] { first_virtiofsd({dir.path() / "missing", other}); });
    EXPECT_THAT(message, HasSubstr("no virtiofsd found (looked at " +
                                   (dir.path() / "missing").string() + ", " + other.string() +
                                   "); not virtiofsd by its --help: " + other.string() +
                                   "; install qemu-system-common"));
}

}  // namespace
}  // namespace vmtest::virtiofs
