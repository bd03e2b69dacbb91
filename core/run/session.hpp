#pragma once

#include <vector>

#include "config/target.hpp"
#include "run/target_runner.hpp"

namespace vmtest::run {

// Exit statuses (also in README.md).
inline constexpr int k_exit_usage = 2;            // bad flags or vmtest.toml; nothing started
inline constexpr int k_exit_unavailable = 69;     // EX_UNAVAILABLE: the VM could not run
inline constexpr int k_exit_report_failed = 74;   // EX_IOERR: all passed, a report is missing
// EX_TEMPFAIL: the one target's guest did not boot within boot_timeout. Not
// 124: the command never ran; not 69: nothing failed for good, the same run
// on a less loaded host may well boot in time.
inline constexpr int k_exit_boot_timeout = 75;
inline constexpr int k_exit_timeout = 124;        // the one target timed out (as timeout(1))
// The number of failed targets saturates here: an exit status is 8 bits, so
// 256 failures would read as 0 (success). 63 is the largest count below
// sysexits.h's range (64-78, where 69, 74 and 75 live), so a count can never
// be mistaken for one of vmtest's own statuses or for 124 and 128+N.
inline constexpr int k_exit_failures_cap = 63;

// Runs targets one after the other, or up to env.jobs at once as the host's
// memory allows (parallel_scheduler.hpp), reporting each through the event
// bus, up to the run_finished event; results are in the targets' order
// either way. The caller then lets the reporters finish (EventBus::finish)
// and passes the outcome to exit_status(). After Ctrl-C/SIGTERM the targets
// not started yet are reported as not run.
std::vector<TargetResult> run_targets(const std::vector<config::Target>& targets,
                                      RunEnvironment& env);

// One target: its command's exit status (124 when it timed out, 75 when
// the guest did not boot in time, 69 when the VM could not run). Several:
// how many did not pass, at most 63. Interrupted: 128 + the signal, as a
// shell reports it. A report that could not be written turns what would be
// a success into 74, so CI never takes a run without its report for a green
// one.
int exit_status(const std::vector<TargetResult>& results, bool reports_written = true);

}  // namespace vmtest::run
