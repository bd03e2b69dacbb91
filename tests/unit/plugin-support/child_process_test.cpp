// util::ChildProcess (plugin-support): a backend's stop terminates the
// child from another thread while its wait blocks, as vmtest calls them.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <future>

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

}  // namespace
}  // namespace vmtest::util
