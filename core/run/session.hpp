#pragma once

#include <vector>

#include "config/target.hpp"
#include "run/target_runner.hpp"

namespace vmtest::run {

// Exit statuses (also in README.md).
inline constexpr int k_exit_usage = 2;         // bad flags or vmtest.toml; nothing started
inline constexpr int k_exit_unavailable = 69;  // EX_UNAVAILABLE: the VM could not run
inline constexpr int k_exit_timeout = 124;     // the one target timed out (as timeout(1))
// EX_TEMPFAIL: the one target's guest did not boot within boot_timeout. Not
// 124: the command never ran; not 69: nothing failed for good, the same run
// on a less loaded host may well boot in time.
inline constexpr int k_exit_boot_timeout = 75;

// Runs targets one after the other, reporting each through the event bus.
// After Ctrl-C/SIGTERM the remaining targets are reported as not run.
std::vector<TargetResult> run_targets(const std::vector<config::Target>& targets,
                                      RunEnvironment& env);

// One target: its command's exit status (124 when it timed out, 75 when
// the guest did not boot in time, 69 when the VM could not run). Several: how many did not pass. Interrupted: 128 +
// the signal, as a shell reports it.
int exit_status(const std::vector<TargetResult>& results);

}  // namespace vmtest::run
