// Runtime directories: private to a run, gone with it, and the ones of runs
// killed with SIGKILL removed by the next run, never a live run's.
#include <algorithm>
#include <csignal>
#include <fstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "util/runtime_dir.hpp"
#include "../../support/temp_dir.hpp"

namespace vmtest::util {
namespace {

namespace fs = std::filesystem;

class RuntimeDirs : public ::testing::Test {
  protected:
    void TearDown() override {
        for (pid_t child : m_children) {
            kill(child, SIGKILL);
            waitpid(child, nullptr, 0);
        }
    }

    // A run in another process: it creates its runtime directory under the
    // base, says where, and lives until killed.
    fs::path live_run_in_child() {
        int pipe_fds[2];
        EXPECT_EQ(pipe(pipe_fds), 0);
        const pid_t child = fork();
        if (child == 0) {
            close(pipe_fds[0]);
            RuntimeDir dir(m_base);
            const std::string path = dir.path().string() + "\n";
            (void)!write(pipe_fds[1], path.data(), path.size());
            for (;;) {
                pause();
            }
        }
        close(pipe_fds[1]);
        m_children.push_back(child);
        std::string path;
        char c;
        while (read(pipe_fds[0], &c, 1) == 1 && c != '\n') {
            path += c;
        }
        close(pipe_fds[0]);
        return path;
    }

    void kill_with_sigkill(pid_t child) {
        ASSERT_EQ(kill(child, SIGKILL), 0);
        ASSERT_EQ(waitpid(child, nullptr, 0), child);
        m_children.erase(std::find(m_children.begin(), m_children.end(), child));
    }

    test_support::TempDir m_temp;
    const fs::path m_base = m_temp.path();
    std::vector<pid_t> m_children;
};

TEST_F(RuntimeDirs, PrivateHeldWhileAliveAndRemovedWithEverythingInIt) {
    fs::path path;
    {
        RuntimeDir dir(m_base);
        path = dir.path();
        EXPECT_EQ(path.parent_path(), m_base);
        EXPECT_EQ(path.filename().string().rfind("vmtest.", 0), 0u);
        struct stat status {};
        ASSERT_EQ(stat(path.c_str(), &status), 0);
        EXPECT_EQ(status.st_mode & 0777, 0700u);
        EXPECT_TRUE(fs::exists(path / "run.lock"));
        std::ofstream(path / "console.log") << "boot";
        EXPECT_EQ(remove_stale_runtime_dirs(m_base), 0) << "this process holds it";
        EXPECT_TRUE(fs::exists(path));
    }
    EXPECT_FALSE(fs::exists(path));
}

TEST_F(RuntimeDirs, ALiveRunKeepsItsDirectoryAndADeadOnesIsRemoved) {
    const fs::path live = live_run_in_child();
    const fs::path killed = live_run_in_child();
    ASSERT_TRUE(fs::is_directory(live));
    ASSERT_TRUE(fs::is_directory(killed));
    std::ofstream(killed / "console.log") << "what the dead run left";

    EXPECT_EQ(remove_stale_runtime_dirs(m_base), 0);
    EXPECT_TRUE(fs::is_directory(live));
    EXPECT_TRUE(fs::is_directory(killed));

    kill_with_sigkill(m_children.back());
    EXPECT_EQ(remove_stale_runtime_dirs(m_base), 1);
    EXPECT_FALSE(fs::exists(killed));
    EXPECT_TRUE(fs::is_directory(live)) << "still alive";
    EXPECT_TRUE(fs::exists(live / "run.lock"));
}

TEST_F(RuntimeDirs, ANewRunCleansUpBeforeItStarts) {
    const fs::path killed = live_run_in_child();
    kill_with_sigkill(m_children.back());
    ASSERT_TRUE(fs::exists(killed));
    {
        RuntimeDir dir(m_base);
        EXPECT_FALSE(fs::exists(killed));
    }
    EXPECT_TRUE(fs::is_empty(m_base));
}

TEST_F(RuntimeDirs, LeavesAloneWhatIsNotADeadRunsDirectory) {
    // A run between mkdtemp() and taking its lock, or an older vmtest's.
    fs::create_directory(m_base / "vmtest.AbC123");
    std::ofstream(m_base / "vmtest.AbC123" / "console.log") << "x";
    // Other names, and a file with a run's name.
    fs::create_directory(m_base / "vmtest.long-name");
    std::ofstream(m_base / "vmtest.long-name" / "run.lock") << "";
    std::ofstream(m_base / "vmtest.XyZ789") << "a file";
    fs::create_directory(m_base / "elsewhere");
    fs::create_directory_symlink(m_base / "elsewhere", m_base / "vmtest.Link01");
    std::ofstream(m_base / "elsewhere" / "run.lock") << "";

    EXPECT_EQ(remove_stale_runtime_dirs(m_base), 0);
    EXPECT_TRUE(fs::exists(m_base / "vmtest.AbC123" / "console.log"));
    EXPECT_TRUE(fs::exists(m_base / "vmtest.long-name" / "run.lock"));
    EXPECT_TRUE(fs::is_regular_file(m_base / "vmtest.XyZ789"));
    EXPECT_TRUE(fs::exists(m_base / "elsewhere" / "run.lock"));
    EXPECT_TRUE(fs::is_symlink(m_base / "vmtest.Link01"));
}

TEST_F(RuntimeDirs, AMissingBaseIsNoError) {
    EXPECT_EQ(remove_stale_runtime_dirs(m_base / "missing"), 0);
}

}  // namespace
}  // namespace vmtest::util
