// End-to-end: what a run leaves behind and what it may touch. A run killed
// with SIGKILL leaves its runtime directory, which the next run removes; a
// report that cannot be written fails the run; a one-liner from `/` cannot
// write to the host's root through /mnt/vmtest.
#include <algorithm>
#include <csignal>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <thread>
#include <unistd.h>

#include <gmock/gmock.h>

#include "e2e_fixture.hpp"

namespace vmtest::e2e {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<fs::path> entries_of(const fs::path& dir) {
    std::vector<fs::path> entries;
    for (const auto& entry : fs::directory_iterator(dir)) {
        entries.push_back(entry.path());
    }
    return entries;
}

// Lines that are not warnings (the KVM probe may warn on this machine).
int lines_in(const std::string& text) {
    int lines = 0;
    for (std::size_t start = 0; start < text.size();) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        lines += text.compare(start, 17, "vmtest: warning: ") != 0;
        start = end + 1;
    }
    return lines;
}

TEST_F(E2E, RuntimeDirectoryOfARunKilledMidBootIsRemovedByTheNextRun) {
    {
        VmtestProcess killed(options({"-k", m_kernel.string(), "true"}));
        ASSERT_TRUE(killed.wait_for_output(
            [](const std::string& out, const std::string&) {
                return out.find("===> Booting") != std::string::npos;
            },
            std::chrono::seconds(180)))
            << killed.out() << killed.err();
        killed.send_signal(SIGKILL);
        EXPECT_EQ(killed.wait(std::chrono::seconds(30)), 128 + SIGKILL);
    }
    const auto leftovers = entries_of(m_runtime);
    ASSERT_EQ(leftovers.size(), 1u) << "SIGKILL leaves the run's directory";
    EXPECT_TRUE(fs::exists(leftovers[0] / "run.lock"));
    // QEMU follows vmtest (parent-death signal); give it a moment.
    for (int i = 0; i < 50 && !qemu_processes_mentioning(m_root.string()).empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }

    const auto next = vmtest({"-k", m_kernel.string(), "true"});
    EXPECT_EQ(next.status, 0) << describe(next);
    EXPECT_FALSE(fs::exists(leftovers[0])) << "the dead run's directory is removed";
    // TearDown checks that nothing else is left either.
}

class ReportHygiene : public E2E {};

TEST_F(ReportHygiene, AReportThatCannotBeWrittenAtTheEndFailsTheRun) {
    if (geteuid() != 0) {
        GTEST_SKIP() << "mknod needs root";
    }
    // Our own /dev/full: writes fail with ENOSPC; the real one is not at risk.
    const fs::path full = m_root / "full";
    ASSERT_EQ(mknod(full.c_str(), S_IFCHR | 0666, makedev(1, 7)), 0);
    const auto result =
        vmtest({"--reporter", "tap=" + full.string(), "-k", m_kernel.string(), "true"});
    EXPECT_EQ(result.status, 74) << describe(result);
    EXPECT_THAT(result.err, HasSubstr("could not finish its report: cannot write " + full.string() +
                                      ": write: No space left on device\n"));
    EXPECT_EQ(lines_in(result.err), 1) << result.err;
    struct stat status {};
    ASSERT_EQ(lstat(full.c_str(), &status), 0);
    EXPECT_TRUE(S_ISCHR(status.st_mode)) << "the device node is still a device";
}

TEST_F(ReportHygiene, UnwritableReportPathsAreRefusedBeforeAnythingBoots) {
    fs::create_directory(m_project / "reports");
    for (const std::string& path : {std::string("/proc/vmtest-report.xml"),
                                    (m_project / "reports").string()}) {
        const auto result =
            vmtest({"--reporter", "junit=" + path, "-k", m_kernel.string(), "true"});
        EXPECT_EQ(result.status, 2) << describe(result);
        EXPECT_THAT(result.err, HasSubstr(path));
        EXPECT_EQ(lines_in(result.err), 1) << result.err;
        EXPECT_THAT(result.out, Not(HasSubstr("Booting")));
    }
    EXPECT_TRUE(fs::is_directory(m_project / "reports"));
}

TEST_F(E2E, OneLinerFromTheHostRootGetsItReadOnly) {
    const std::string name = "vmtest-e2e-root-" + std::to_string(getpid());
    ASSERT_FALSE(fs::exists("/" + name));
    auto run = options({"-k", m_kernel.string(),
                        "test -d /mnt/vmtest/etc && touch /mnt/vmtest/" + name});
    run.cwd = "/";
    const auto result = run_vmtest(run);
    const bool created = fs::exists("/" + name);
    if (created) {
        fs::remove("/" + name);
    }
    EXPECT_FALSE(created) << "the guest wrote to the host's /";
    EXPECT_EQ(result.status, 1) << describe(result);
    EXPECT_THAT(result.out + result.err, HasSubstr("Read-only file system"));
    EXPECT_THAT(result.err, HasSubstr("the project directory / is a system directory, so the guest "
                                      "gets it read-only at /mnt/vmtest; run vmtest from your "
                                      "project's directory to share that read-write\n"));
}

}  // namespace
}  // namespace vmtest::e2e
