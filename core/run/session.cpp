#include "run/session.hpp"

#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include "config/memory_size.hpp"
#include "run/host_capacity.hpp"
#include "run/leftover_sweep.hpp"
#include "run/parallel_scheduler.hpp"
#include "run/project_share.hpp"
#include "util/cancellation.hpp"

namespace vmtest::run {

namespace {

// Once per project directory, before anything boots: why its share is
// read-only.
void announce_read_only_projects(const std::vector<config::Target>& targets) {
    std::set<std::filesystem::path> announced;
    for (const auto& target : targets) {
        if (auto notice = project_share_notice(target);
            notice && announced.insert(target.base_dir).second) {
            spdlog::warn(*notice);
        }
    }
}

int status_of(const std::vector<TargetResult>& results) {
    if (util::cancellation_requested()) {
        return 128 + util::cancellation_signal();
    }
    if (results.size() == 1) {
        const auto& only = results.front();
        switch (only.outcome) {
        case Outcome::pass:
            return only.exit_code;
        case Outcome::fail:
            // A kernel splat fails a command that exited 0: one failure.
            return only.exit_code != 0 ? only.exit_code : 1;
        case Outcome::error:
            if (only.error_kind == "boot_timeout") {
                return k_exit_boot_timeout;
            }
            return only.timed_out ? k_exit_timeout : k_exit_unavailable;
        case Outcome::not_run:
            return k_exit_unavailable;
        }
    }
    int failed = 0;
    for (const auto& result : results) {
        failed += result.outcome != Outcome::pass;
    }
    return std::min(failed, k_exit_failures_cap);
}

// A target Ctrl-C kept from starting.
TargetResult not_run(const config::Target& target, EventBus& events) {
    TargetResult skipped;
    skipped.name = target.name;
    skipped.outcome = Outcome::not_run;
    skipped.error = "not run: interrupted";
    skipped.error_kind = "not_run";
    events.target_finished(skipped);
    return skipped;
}

std::vector<TargetResult> run_one_by_one(const std::vector<config::Target>& targets,
                                         RunEnvironment& env) {
    std::vector<TargetResult> results;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        results.push_back(util::cancellation_requested() ? not_run(targets[i], env.events)
                                                         : run_target(targets[i], i, env));
    }
    return results;
}

std::string gib_text(std::uint64_t bytes) {
    return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / (1ull << 30));
}

// Up to env.jobs targets at once, as the host's memory allows. The event
// bus holds each target's events and hands them to the reporters in the
// targets' order, so results, reports and exit status are a sequential
// run's. Leftover processes are swept whenever no target runs, as a target
// cannot tell its own from those of the targets beside it.
std::vector<TargetResult> run_side_by_side(const std::vector<config::Target>& targets,
                                           RunEnvironment& env) {
    std::vector<std::uint64_t> costs;
    for (const auto& target : targets) {
        // vm.memory was checked when the config was read.
        costs.push_back(memory_cost(
            config::memory_size_bytes(target.vm.memory).value_or(k_default_guest_bytes)));
    }
    spdlog::debug("up to {} targets at once, their memory within {} (MemAvailable)", env.jobs,
                  gib_text(env.memory_budget));
    std::vector<TargetResult> results(targets.size());
    std::optional<LeftoverSweep> leftovers;
    ParallelHooks hooks;
    hooks.run = [&](std::size_t i) {
        spdlog::debug("target {} starts", targets[i].name);
        try {
            results[i] = run_target(targets[i], i, env);
        } catch (const std::exception& e) {
            // run_target reports its own failures; this is vmtest failing
            // around it, which must not take the other targets down.
            results[i].name = targets[i].name;
            results[i].outcome = Outcome::error;
            results[i].error = e.what();
            results[i].error_kind = "infrastructure";
            env.events.target_finished(results[i]);
        }
        spdlog::debug("target {} ended", targets[i].name);
    };
    hooks.skip = [&](std::size_t i) { results[i] = not_run(targets[i], env.events); };
    hooks.stop_requested = util::cancellation_requested;
    hooks.tick = [&] { env.events.progress(); };
    hooks.busy = [&] { leftovers.emplace(); };
    hooks.idle = [&] { leftovers.reset(); };  // stops what is left
    hooks.waits_for_memory = [&](std::size_t i, std::uint64_t in_use) {
        spdlog::debug("target {} waits for memory: it needs {}, the running targets use {} of {}",
                      targets[i].name, gib_text(costs[i]), gib_text(in_use),
                      gib_text(env.memory_budget));
    };
    run_in_parallel(costs, {env.jobs, env.memory_budget}, hooks);
    return results;
}

}  // namespace

std::vector<TargetResult> run_targets(const std::vector<config::Target>& targets,
                                      RunEnvironment& env) {
    announce_read_only_projects(targets);
    std::vector<std::string> names;
    for (const auto& target : targets) {
        names.push_back(target.name);
    }
    // Side by side only when there is a side: one target (or -j1) runs
    // exactly as vmtest always ran them, output streamed as it comes. An
    // interactive shell needs the terminal to itself, and its output live.
    bool side_by_side = env.jobs > 1 && targets.size() > 1;
    if (const auto shell = std::find_if(targets.begin(), targets.end(),
                                        [](const auto& target) { return target.is_interactive(); });
        side_by_side && shell != targets.end()) {
        spdlog::warn("target {} is an interactive shell (command \"-\"): running the targets one "
                     "at a time",
                     shell->name);
        side_by_side = false;
    }
    if (side_by_side) {
        env.events.hold_target_events();
    }
    env.events.run_started(names);
    const auto results =
        side_by_side ? run_side_by_side(targets, env) : run_one_by_one(targets, env);
    env.events.run_finished(results, util::cancellation_requested());
    return results;
}

int exit_status(const std::vector<TargetResult>& results, bool reports_written) {
    const int status = status_of(results);
    return status == 0 && !reports_written ? k_exit_report_failed : status;
}

}  // namespace vmtest::run
