#include "run/parallel_scheduler.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

namespace vmtest::run {

namespace {

using Clock = std::chrono::steady_clock;

// How soon a stop request is noticed while jobs run.
constexpr auto k_check_interval = std::chrono::milliseconds(100);
constexpr auto k_tick_interval = std::chrono::seconds(1);

}  // namespace

void run_in_parallel(const std::vector<std::uint64_t>& memory_costs, const ParallelLimits& limits,
                     const ParallelHooks& hooks) {
    const std::size_t count = memory_costs.size();
    std::mutex mutex;
    std::condition_variable changed;
    MemoryAdmission memory(limits.memory_budget);
    std::size_t running = 0;
    std::size_t ended = 0;  // guarded by mutex: jobs whose run() returned

    std::vector<std::thread> workers;
    std::size_t next = 0;
    std::size_t seen_ended = 0;
    std::size_t announced_wait = count;  // the job last reported as waiting for memory
    bool busy = false;
    auto last_tick = Clock::now();

    // Hooks run with the lock released: they may take as long as they need
    // (the idle sweep waits for processes to end) while jobs finish.
    const auto call = [&](std::unique_lock<std::mutex>& lock, const auto& hook) {
        lock.unlock();
        hook();
        lock.lock();
    };
    std::unique_lock lock(mutex);
    for (;;) {
        if (next < count && hooks.stop_requested()) {
            call(lock, [&] {
                for (; next < count; ++next) {
                    hooks.skip(next);
                }
            });
        }
        if (running == 0 && busy) {
            busy = false;
            call(lock, hooks.idle);
        }
        bool started = false;
        while (next < count && running < limits.jobs && memory.admits(memory_costs[next])) {
            if (!busy) {
                busy = true;
                call(lock, hooks.busy);
            }
            memory.take(memory_costs[next]);
            ++running;
            const std::size_t job = next++;
            workers.emplace_back([&, job] {
                hooks.run(job);
                {
                    std::lock_guard done(mutex);
                    --running;
                    ++ended;
                    memory.give_back(memory_costs[job]);
                }
                changed.notify_all();
            });
            started = true;
        }
        if (next < count && running < limits.jobs && announced_wait != next) {
            announced_wait = next;
            const std::uint64_t in_use = memory.in_use();
            call(lock, [&] { hooks.waits_for_memory(announced_wait, in_use); });
        }
        const bool some_ended = ended != seen_ended;
        seen_ended = ended;
        if (started || some_ended || Clock::now() - last_tick >= k_tick_interval) {
            last_tick = Clock::now();
            call(lock, hooks.tick);
        }
        if (next == count && running == 0) {
            break;
        }
        changed.wait_for(lock, k_check_interval, [&] { return ended != seen_ended; });
    }
    if (busy) {
        call(lock, hooks.idle);
    }
    lock.unlock();
    for (auto& worker : workers) {
        worker.join();
    }
}

}  // namespace vmtest::run
