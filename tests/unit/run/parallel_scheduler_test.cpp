// The scheduler of targets running side by side (-j), without booting:
// jobs are functions that sleep, and the tests watch what runs at once.
#include <atomic>
#include <mutex>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "run/parallel_scheduler.hpp"

namespace vmtest::run {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

// What the jobs did: start order, and which jobs ran at the same time.
class Recorder {
  public:
    void started(std::size_t job) {
        std::lock_guard lock(m_mutex);
        for (std::size_t other : m_running) {
            m_overlaps.emplace_back(std::min(job, other), std::max(job, other));
        }
        m_running.push_back(job);
        m_starts.push_back(job);
        m_most = std::max(m_most, m_running.size());
    }
    void ended(std::size_t job) {
        std::lock_guard lock(m_mutex);
        std::erase(m_running, job);
        m_ends.push_back(job);
    }
    bool overlapped(std::size_t a, std::size_t b) const {
        return std::find(m_overlaps.begin(), m_overlaps.end(),
                         std::pair(std::min(a, b), std::max(a, b))) != m_overlaps.end();
    }
    std::size_t running() {
        std::lock_guard lock(m_mutex);
        return m_running.size();
    }

    std::vector<std::size_t> m_starts;
    std::vector<std::size_t> m_ends;
    std::size_t m_most = 0;

  private:
    std::mutex m_mutex;
    std::vector<std::size_t> m_running;
    std::vector<std::pair<std::size_t, std::size_t>> m_overlaps;
};

ParallelHooks sleeping_jobs(Recorder& recorder, std::vector<std::chrono::milliseconds> lengths) {
    ParallelHooks hooks;
    hooks.run = [&recorder, lengths](std::size_t job) {
        recorder.started(job);
        std::this_thread::sleep_for(lengths[job]);
        recorder.ended(job);
    };
    hooks.skip = [](std::size_t job) { FAIL() << "job " << job << " skipped"; };
    hooks.stop_requested = [] { return false; };
    return hooks;
}

TEST(MemoryAdmission, AdmitsWhatFitsAndAnythingWhenIdle) {
    MemoryAdmission memory(10);
    EXPECT_TRUE(memory.admits(25)) << "too big for the host, but alone it runs";
    memory.take(6);
    EXPECT_TRUE(memory.admits(4));
    EXPECT_FALSE(memory.admits(5));
    EXPECT_FALSE(memory.admits(UINT64_MAX)) << "no overflow into a small sum";
    memory.take(4);
    EXPECT_FALSE(memory.admits(0 + 1));
    memory.give_back(6);
    memory.give_back(4);
    EXPECT_EQ(memory.in_use(), 0u);
    EXPECT_TRUE(memory.admits(UINT64_MAX));
}

TEST(ParallelScheduler, RunsAtMostNAtOnce) {
    Recorder recorder;
    run_in_parallel(std::vector<std::uint64_t>(6, 1), {2, 100},
                    sleeping_jobs(recorder, {300ms, 20ms, 60ms, 20ms, 40ms, 10ms}));
    // (Jobs launched one after the other may begin in either order: their
    // threads race. AJobWaitsForMemoryInsteadOfOversubscribing shows that none jumps the queue.)
    EXPECT_THAT(recorder.m_starts, UnorderedElementsAre(0, 1, 2, 3, 4, 5));
    EXPECT_EQ(recorder.m_most, 2u);
    EXPECT_TRUE(recorder.overlapped(0, 1));
    EXPECT_EQ(recorder.m_ends.size(), 6u);
}

TEST(ParallelScheduler, OneJobAtATimeIsSequential) {
    Recorder recorder;
    run_in_parallel(std::vector<std::uint64_t>(3, 1), {1, 100},
                    sleeping_jobs(recorder, {10ms, 10ms, 10ms}));
    EXPECT_THAT(recorder.m_starts, ElementsAre(0, 1, 2));
    EXPECT_THAT(recorder.m_ends, ElementsAre(0, 1, 2));
    EXPECT_EQ(recorder.m_most, 1u);
}

TEST(ParallelScheduler, AJobWaitsForMemoryInsteadOfOversubscribing) {
    Recorder recorder;
    std::vector<std::size_t> waited;
    auto hooks = sleeping_jobs(recorder, {60ms, 300ms, 300ms, 20ms});
    hooks.waits_for_memory = [&](std::size_t job, std::uint64_t in_use) {
        waited.push_back(job);
        EXPECT_GT(in_use, 0u);
    };
    // 6 + 6 > 10: job 1 waits for job 0 although a job slot is free; jobs 2
    // and 3 (3 each) do not jump the queue before it.
    run_in_parallel({6, 6, 3, 3}, {4, 10}, hooks);
    EXPECT_FALSE(recorder.overlapped(0, 1));
    EXPECT_FALSE(recorder.overlapped(0, 2)) << "job 2 fits beside job 0, but waits its turn";
    EXPECT_FALSE(recorder.overlapped(0, 3));
    EXPECT_TRUE(recorder.overlapped(1, 2));
    EXPECT_THAT(waited, ElementsAre(1, 3)) << "job 3: 6 + 3 + 3 > 10";
}

TEST(ParallelScheduler, AJobLargerThanTheHostRunsAloneRatherThanNever) {
    Recorder recorder;
    run_in_parallel({3, 50, 3}, {3, 10}, sleeping_jobs(recorder, {30ms, 30ms, 30ms}));
    EXPECT_THAT(recorder.m_starts, ElementsAre(0, 1, 2));
    EXPECT_FALSE(recorder.overlapped(0, 1));
    EXPECT_FALSE(recorder.overlapped(1, 2));
    EXPECT_EQ(recorder.m_ends.size(), 3u);
}

TEST(ParallelScheduler, AStopStartsNothingMoreSkipsTheRestInOrderAndWaitsForTheRunning) {
    Recorder recorder;
    std::atomic<bool> stop = false;
    std::vector<std::size_t> skipped;
    auto hooks = sleeping_jobs(recorder, {50ms, 150ms, 10ms, 10ms, 10ms});
    hooks.run = [&](std::size_t job) {
        recorder.started(job);
        if (job == 0) {
            std::this_thread::sleep_for(50ms);
            stop = true;  // Ctrl-C while jobs 0 and 1 run
        } else {
            std::this_thread::sleep_for(150ms);
        }
        recorder.ended(job);
    };
    hooks.skip = [&](std::size_t job) { skipped.push_back(job); };
    hooks.stop_requested = [&] { return stop.load(); };
    run_in_parallel(std::vector<std::uint64_t>(5, 1), {2, 100}, hooks);
    EXPECT_THAT(recorder.m_starts, UnorderedElementsAre(0, 1));
    EXPECT_THAT(recorder.m_ends, UnorderedElementsAre(0, 1))
        << "returns after the running ones ended";
    EXPECT_THAT(skipped, ElementsAre(2, 3, 4));
}

TEST(ParallelScheduler, IdleHookRunsOnlyWhenNoJobRuns) {
    Recorder recorder;
    int busy = 0, idle = 0;
    auto hooks = sleeping_jobs(recorder, {30ms, 30ms, 30ms});
    hooks.busy = [&] {
        EXPECT_EQ(recorder.running(), 0u);
        ++busy;
    };
    hooks.idle = [&] {
        EXPECT_EQ(recorder.running(), 0u) << "a sweep now would stop a running job's processes";
        ++idle;
    };
    // The big job 1 runs alone: the run is idle before and after it.
    run_in_parallel({1, 50, 1}, {2, 10}, hooks);
    EXPECT_EQ(busy, idle);
    EXPECT_GE(idle, 2);
}

TEST(ParallelScheduler, TicksWhileJobsRun) {
    Recorder recorder;
    std::atomic<int> ticks = 0;
    auto hooks = sleeping_jobs(recorder, {1300ms});
    hooks.tick = [&] { ++ticks; };
    run_in_parallel({1}, {2, 10}, hooks);
    EXPECT_GE(ticks.load(), 3) << "at the start, after a second, at the end";
}

}  // namespace
}  // namespace vmtest::run
