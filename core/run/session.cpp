#include "run/session.hpp"

#include "util/cancellation.hpp"

namespace vmtest::run {

std::vector<TargetResult> run_targets(const std::vector<config::Target>& targets,
                                      RunEnvironment& env) {
    std::vector<std::string> names;
    for (const auto& target : targets) {
        names.push_back(target.name);
    }
    env.events.run_started(names);
    std::vector<TargetResult> results;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        if (util::cancellation_requested()) {
            TargetResult skipped;
            skipped.name = targets[i].name;
            skipped.outcome = Outcome::not_run;
            skipped.error = "not run: interrupted";
            skipped.error_kind = "not_run";
            env.events.target_finished(skipped);
            results.push_back(skipped);
            continue;
        }
        results.push_back(run_target(targets[i], i, env));
    }
    env.events.run_finished(results, util::cancellation_requested());
    env.events.finish();
    return results;
}

int exit_status(const std::vector<TargetResult>& results) {
    if (util::cancellation_requested()) {
        return 128 + util::cancellation_signal();
    }
    if (results.size() == 1) {
        const auto& only = results.front();
        switch (only.outcome) {
        case Outcome::pass:
        case Outcome::fail:
            return only.exit_code;
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
    return failed;
}

}  // namespace vmtest::run
