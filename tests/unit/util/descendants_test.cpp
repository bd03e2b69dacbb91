// Processes below vmtest: a daemon that left its parent and process group
// is still found (vmtest is a subreaper) and stopped; what the caller keeps
// is left alone, with everything below it.
#include <csignal>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vmtest/plugin-support/child_process.hpp"
#include "util/descendants.hpp"

namespace vmtest::util {
namespace {

using ::testing::IsEmpty;

const std::string k_marker = "31337." + std::to_string(getpid());

bool runs(pid_t pid) {
    return kill(pid, 0) == 0;
}

SpawnOptions shell(const std::string& script) {
    SpawnOptions options;
    options.argv = {"sh", "-c", script};
    return options;
}

std::vector<Descendant> sleeps(const std::vector<Descendant>& processes) {
    std::vector<Descendant> found;
    for (const auto& process : processes) {
        if (process.name == "sleep") {
            found.push_back(process);
        }
    }
    return found;
}

// A shell that daemonizes `sleep <marker>` (setsid, double fork) and exits,
// as `qemu -daemonize` or a wrapper's daemon does. Returns once the sleep
// runs (the fork is called "sh" until it has exec'd).
void start_daemonized_sleep() {
    const auto sleeping = sleeps(descendants()).size();
    ChildProcess daemonizer(shell("setsid sh -c 'sleep " + k_marker + " &' </dev/null"));
    ASSERT_TRUE(daemonizer.wait_for(std::chrono::seconds(10)));
    for (int i = 0; i < 200 && sleeps(descendants()).size() == sleeping; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

class Descendants : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { become_subreaper(); }
};

TEST_F(Descendants, ADaemonThatLeftItsParentIsStillBelowUsAndIsStopped) {
    start_daemonized_sleep();
    const auto found = sleeps(descendants());
    ASSERT_EQ(found.size(), 1u) << "the orphan was not re-parented to this process";
    EXPECT_EQ(found.front().parent, getpid());
    EXPECT_NE(getsid(found.front().pid), getsid(0)) << "it left the session";

    const auto stopped = stop_descendants(std::chrono::milliseconds(1000));
    ASSERT_EQ(sleeps(stopped).size(), 1u);
    EXPECT_FALSE(runs(found.front().pid)) << "stopped, and reaped: not even a zombie";
    EXPECT_THAT(descendants(), IsEmpty());
}

TEST_F(Descendants, OneThatIgnoresSigtermGetsSigkillAfterTheGrace) {
    ChildProcess stubborn(shell("trap '' TERM; while :; do sleep 0.05; done"));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto started = std::chrono::steady_clock::now();
    stop_descendants(std::chrono::milliseconds(300));
    EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(300));
    EXPECT_TRUE(stubborn.wait_for(std::chrono::seconds(1)));
    EXPECT_THAT(descendants(), IsEmpty());
}

TEST_F(Descendants, WhatTheCallerKeepsRunsOnWithWhatRunsBelowIt) {
    ChildProcess kept(shell("sleep 30 & wait"));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto before = descendants();
    ASSERT_EQ(before.size(), 2u);  // the shell and its sleep
    start_daemonized_sleep();

    const auto stopped = stop_descendants(std::chrono::milliseconds(1000), before);
    ASSERT_EQ(stopped.size(), 1u);
    EXPECT_EQ(stopped.front().name, "sleep");
    EXPECT_FALSE(kept.poll()) << "a kept child was stopped (or reaped behind its owner's back)";
    EXPECT_EQ(descendants().size(), 2u);
    kept.terminate(std::chrono::milliseconds(1000));
    stop_descendants(std::chrono::milliseconds(1000));
}

}  // namespace
}  // namespace vmtest::util
