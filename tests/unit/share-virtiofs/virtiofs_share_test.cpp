// The virtiofs share as vmtest drives it, with the real virtiofsd: what it
// hands the backend and the guest, and that release() leaves nothing.
#include <csignal>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../../support/share_test_support.hpp"
#include "util/descendants.hpp"
#include "vmtest/sdk/testing/fake_host.hpp"
#include "virtiofs_share.hpp"
#include "virtiofsd_locator.hpp"

namespace vmtest::virtiofs {
namespace {

using ::testing::HasSubstr;

class VirtiofsShareTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!shares_test::is_root() || shares_test::installed_virtiofsd().empty()) {
            GTEST_SKIP() << "needs root and an installed virtiofsd";
        }
        std::filesystem::create_directories(m_dir.path() / "run");
        std::filesystem::create_directories(m_dir.path() / "project");
    }

    VirtiofsShare make_share() {
        return VirtiofsShare(m_host.host(), {{"runtime_dir", (m_dir.path() / "run").string()}});
    }

    shares_test::TempDir m_dir;
    sdk::testing::FakeHost m_host;
};

TEST_F(VirtiofsShareTest, DescribesAVhostUserFsAttachmentAndTheVirtiofsModule) {
    auto share = make_share();
    const auto description = share.describe();
    EXPECT_EQ(description.attachment, "vhost-user-fs");
    EXPECT_EQ(description.guest_modules, std::vector<std::string>{"virtiofs"});
}

TEST_F(VirtiofsShareTest, PrepareStartsOneDaemonPerExportAndReleaseStopsThemAll) {
    const auto run = (m_dir.path() / "run").string();
    auto share = make_share();
    const auto prepared =
        share.prepare({{"vmtest_root", "/", false},
                       {"vmtest_project", (m_dir.path() / "project").string(), true}});
    ASSERT_EQ(prepared.attachments.size(), 2u);
    for (const auto& attachment : prepared.attachments) {
        EXPECT_EQ(attachment.type, "vhost-user-fs");
        EXPECT_TRUE(std::filesystem::is_socket(attachment.socket)) << attachment.socket;
        EXPECT_THAT(attachment.socket, ::testing::StartsWith(run));
    }
    EXPECT_TRUE(prepared.attachments[0].readonly);
    EXPECT_FALSE(prepared.attachments[1].readonly);
    ASSERT_EQ(prepared.mounts.size(), 2u);
    EXPECT_EQ(prepared.mounts[0].tag, "vmtest_root");
    EXPECT_EQ(prepared.mounts[0].fstype, "virtiofs");
    EXPECT_EQ(prepared.mounts[0].source, "vmtest_root");
    // The read-only root is served from its read-only view, the project as is.
    EXPECT_EQ(shares_test::processes_mentioning_eventually("source=" + run + "/ro0", 1).size(), 1u);
    EXPECT_EQ(shares_test::processes_mentioning_eventually(
                  "source=" + m_dir.path().string() + "/project", 1)
                  .size(),
              1u);

    share.release();
    EXPECT_THAT(shares_test::processes_mentioning("source=" + m_dir.path().string()),
                ::testing::IsEmpty());
    share.release();  // idempotent
}

TEST_F(VirtiofsShareTest, ADaemonThatFailedIsReportedWithItsOwnWordsOnRelease) {
    shares_test::ScopedEnv env(k_virtiofsd_env, (m_dir.path() / "fake").string());
    std::ofstream(m_dir.path() / "fake")
        << "#!/bin/sh\n[ \"$1\" = --help ] && exec " << shares_test::installed_virtiofsd().string()
        << " --help\necho 'fake: source gone' >&2\nexit 4\n";
    std::filesystem::permissions(m_dir.path() / "fake", std::filesystem::perms::owner_all);
    auto share = make_share();
    share.prepare({{"vmtest_project", (m_dir.path() / "project").string(), true}});
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    share.release();
    EXPECT_THAT(m_host.log_messages(),
                ::testing::Contains(HasSubstr("exited with status 4: fake: source gone")));
}

// What health() says, waiting up to two seconds for it to say anything.
std::string health_problem(VirtiofsShare& share) {
    for (int i = 0; i < 200; ++i) {
        try {
            share.health();
        } catch (const sdk::Error& e) {
            return e.what();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return "";
}

TEST_F(VirtiofsShareTest, HealthNamesTheExportAndTheStatusOfADaemonThatExitedOnce) {
    shares_test::ScopedEnv env(k_virtiofsd_env, (m_dir.path() / "fake").string());
    std::ofstream(m_dir.path() / "fake")
        << "#!/bin/sh\n[ \"$1\" = --help ] && exec " << shares_test::installed_virtiofsd().string()
        << " --help\necho 'fake: source gone' >&2\nexit 4\n";
    std::filesystem::permissions(m_dir.path() / "fake", std::filesystem::perms::owner_all);
    const auto project = (m_dir.path() / "project").string();
    auto share = make_share();
    share.prepare({{"vmtest_project", project, true}});
    EXPECT_EQ(health_problem(share),
              "virtiofsd serving " + project + " exited with status 4: fake: source gone");
    share.release();
    EXPECT_THAT(m_host.log_messages(), ::testing::Not(::testing::Contains(HasSubstr("status 4"))))
        << "reported twice";
}

TEST_F(VirtiofsShareTest, HealthIsQuietWhileDaemonsServeAndNamesTheSignalThatKilledOne) {
    const auto project = (m_dir.path() / "project").string();
    auto share = make_share();
    share.prepare({{"vmtest_project", project, true}});
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_NO_THROW(share.health());
    pid_t daemon = -1;
    for (const auto& process : util::descendants()) {
        if (process.parent == getpid() && process.name == "virtiofsd") {
            daemon = process.pid;
        }
    }
    ASSERT_GT(daemon, 0);
    kill(daemon, SIGKILL);
    EXPECT_EQ(health_problem(share),
              "virtiofsd serving " + project + " was killed by signal 9 (Killed)");
    share.release();
}

TEST_F(VirtiofsShareTest, PrepareWithoutARuntimeDirIsRefusedClearly) {
    VirtiofsShare share(sdk::Host(m_host.api()), nlohmann::json::object());
    try {
        share.prepare({{"vmtest_root", "/", false}});
        FAIL() << "prepared without a runtime_dir";
    } catch (const sdk::Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("needs a runtime_dir"));
    }
}

TEST_F(VirtiofsShareTest, ProbeSaysWhyItCannotRun) {
    shares_test::ScopedEnv env(k_virtiofsd_env, "/nonexistent/virtiofsd");
    auto share = make_share();
    try {
        share.probe({});
        FAIL() << "usable without a daemon";
    } catch (const sdk::Error& e) {
        EXPECT_EQ(e.status(), VMTEST_UNSUPPORTED);
        EXPECT_THAT(e.what(), HasSubstr("/nonexistent/virtiofsd is not an executable file"));
    }
}

}  // namespace
}  // namespace vmtest::virtiofs
