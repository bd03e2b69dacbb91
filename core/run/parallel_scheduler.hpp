// Runs jobs (a run's targets) side by side: at most N at once, and only as
// many as the host's available memory holds. Knows nothing of VMs; the
// session gives it each target's memory cost and what to do with it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace vmtest::run {

// Whether one more job's memory fits beside those running. A job that
// needs more than the whole budget still runs, but alone: waiting for room
// that never comes would hang the run.
class MemoryAdmission {
  public:
    explicit MemoryAdmission(std::uint64_t budget) : m_budget(budget) {}

    bool admits(std::uint64_t cost) const {
        return m_in_use == 0 || (cost <= m_budget && m_in_use <= m_budget - cost);
    }
    void take(std::uint64_t cost) { m_in_use += cost; }
    void give_back(std::uint64_t cost) { m_in_use -= cost; }
    std::uint64_t in_use() const { return m_in_use; }
    std::uint64_t budget() const { return m_budget; }

  private:
    std::uint64_t m_budget;
    std::uint64_t m_in_use = 0;
};

struct ParallelLimits {
    std::size_t jobs = 1;            // at most this many at once
    std::uint64_t memory_budget = 0; // the sum of the running jobs' costs stays within it
};

// What the scheduler does with the jobs. Only `run` is called on a worker
// thread; every other hook on the caller's thread.
struct ParallelHooks {
    std::function<void(std::size_t job)> run;
    // A job never started because stop_requested() turned true.
    std::function<void(std::size_t job)> skip;
    std::function<bool()> stop_requested;
    // About once a second while jobs run (progress redraws), and whenever a
    // job started or ended.
    std::function<void()> tick = [] {};
    // Before a job starts while none runs, and once all running jobs ended:
    // the quiet points where what the jobs left behind can be told apart
    // from what still belongs to one of them.
    std::function<void()> busy = [] {};
    std::function<void()> idle = [] {};
    // A job that cannot start yet for lack of memory (once per job), and
    // what the running jobs' costs add up to.
    std::function<void(std::size_t job, std::uint64_t in_use)> waits_for_memory =
        [](std::size_t, std::uint64_t) {};
};

// Each job runs on a thread of its own that ends with it: children a job
// forks get their parent-death signal (PR_SET_PDEATHSIG, which follows the
// forking thread, not the process) when their job is over, never earlier.
//
// Starts the jobs in order, each when a job slot is free and its memory
// cost fits (MemoryAdmission); a job that does not fit is waited for, not
// skipped, so a large one is never starved by smaller ones behind it.
// After stop_requested() no job starts: the rest are skip()ped, and the
// call returns once the running ones returned.
void run_in_parallel(const std::vector<std::uint64_t>& memory_costs, const ParallelLimits& limits,
                     const ParallelHooks& hooks);

}  // namespace vmtest::run
