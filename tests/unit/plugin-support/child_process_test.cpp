// util::ChildProcess (plugin-support): a backend's stop terminates the
// child from another thread while its wait blocks, as vmtest calls them.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <future>
#include <sstream>
#include <unistd.h>

#include "../../support/temp_dir.hpp"
#include "vmtest/plugin-support/child_process.hpp"

namespace vmtest::util {
namespace {

using namespace std::chrono_literals;

TEST(ChildProcess, TerminateFromAnotherThreadEndsAWaitThatBlocks) {
    ChildProcess sleeper(SpawnOptions{{"sleep", "30"}, {}, {}, false});
    auto waiting = std::async(std::launch::async, [&] { return sleeper.wait_for(20s); });
    std::this_thread::sleep_for(100ms);  // the wait is under way
    const auto start = std::chrono::steady_clock::now();
    const ChildExit stopped = sleeper.terminate(2s);
    const auto waited = waiting.get();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    EXPECT_EQ(stopped.signal, SIGTERM);
    ASSERT_TRUE(waited.has_value()) << "the blocked wait sees the exit";
    EXPECT_EQ(waited->signal, SIGTERM);
    EXPECT_EQ(waited->exit_code, 128 + SIGTERM);
}

TEST(ChildProcess, TerminateAfterTheChildWasReapedSignalsNothing) {
    ChildProcess quick(SpawnOptions{{"true"}, {}, {}, false});
    ASSERT_TRUE(quick.wait_for(5s));
    EXPECT_EQ(quick.terminate(1s).exit_code, 0);
}

// The descriptors a child sees, one number a line (its shell reads the
// directory before the loop and closes it again).
std::string descriptors_seen_by_child(SpawnOptions options, const test_support::TempDir& dir) {
    const auto listing = dir.path() / "fds";
    options.argv = {"sh", "-c", "cd /proc/self/fd && for fd in *; do echo $fd; done"};
    options.stdout_file = listing;
    ChildProcess child(options);
    const auto exit = child.wait_for(10s);
    EXPECT_TRUE(exit && exit->exit_code == 0);
    std::ifstream in(listing);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// /dev/null at a number of 100 or more, far from any the child's shell
// opens; `command` F_DUPFD or F_DUPFD_CLOEXEC.
int high_descriptor(int command) {
    const int low = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const int high = ::fcntl(low, command, 100);
    ::close(low);
    return high;
}

// A descriptor that another thread opened without close-on-exec (a library
// may) must not reach the child: with -j, it would keep one target's socket
// or pipe alive inside another target's QEMU.
TEST(ChildProcess, AChildInheritsOnlyItsStandardStreams) {
    test_support::TempDir dir;
    const int leaked = high_descriptor(F_DUPFD);  // no close-on-exec, on purpose
    ASSERT_GE(leaked, 100);
    const std::string seen = descriptors_seen_by_child(SpawnOptions{}, dir);
    ::close(leaked);
    EXPECT_EQ(seen.find("\n" + std::to_string(leaked) + "\n"), std::string::npos) << seen;
    EXPECT_EQ(seen.rfind("0\n1\n2\n", 0), 0U) << seen;
}

TEST(ChildProcess, KeptDescriptorsReachTheChildAtTheirNumbersEvenWhenCloseOnExec) {
    test_support::TempDir dir;
    const int kept = high_descriptor(F_DUPFD_CLOEXEC);
    const int other = high_descriptor(F_DUPFD);
    ASSERT_GE(kept, 100);
    ASSERT_GE(other, 100);
    SpawnOptions options;
    options.keep_fds = {kept};
    const std::string seen = descriptors_seen_by_child(options, dir);
    EXPECT_NE(seen.find("\n" + std::to_string(kept) + "\n"), std::string::npos) << seen;
    EXPECT_EQ(seen.find("\n" + std::to_string(other) + "\n"), std::string::npos) << seen;
    EXPECT_EQ(::fcntl(kept, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC) << "vmtest's own copy is unchanged";
    ::close(kept);
    ::close(other);
}

TEST(ChildProcess, KeepingAStandardStreamIsRefused) {
    SpawnOptions options{{"true"}, {}, {}, false};
    options.keep_fds = {1};
    EXPECT_THROW(ChildProcess{options}, std::invalid_argument);
}

}  // namespace
}  // namespace vmtest::util
