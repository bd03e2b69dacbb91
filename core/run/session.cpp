#include "run/session.hpp"

#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

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
    return std::min(failed, k_exit_failures_cap);
}

}  // namespace

std::vector<TargetResult> run_targets(const std::vector<config::Target>& targets,
                                      RunEnvironment& env) {
    announce_read_only_projects(targets);
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
    return results;
}

int exit_status(const std::vector<TargetResult>& results, bool reports_written) {
    const int status = status_of(results);
    return status == 0 && !reports_written ? k_exit_report_failed : status;
}

}  // namespace vmtest::run
