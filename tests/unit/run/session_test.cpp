// What vmtest's exit status says about a run: never success when a target
// failed or a report is missing.
#include <gtest/gtest.h>

#include "run/session.hpp"

namespace vmtest::run {
namespace {

std::vector<TargetResult> results(int passed, int failed) {
    std::vector<TargetResult> all(static_cast<std::size_t>(passed + failed));
    for (int i = 0; i < passed + failed; ++i) {
        all[i].outcome = i < passed ? Outcome::pass : (i % 2 ? Outcome::fail : Outcome::error);
        all[i].exit_code = all[i].outcome == Outcome::fail ? 1 : 0;
    }
    return all;
}

TEST(ExitStatus, FailureCountSaturatesBelowEveryOtherStatusAndNeverWrapsToSuccess) {
    EXPECT_EQ(exit_status(results(3, 1)), 1);
    EXPECT_EQ(exit_status(results(3, 2)), 2);
    EXPECT_EQ(exit_status(results(1, 62)), 62);
    EXPECT_EQ(exit_status(results(1, 63)), k_exit_failures_cap);
    EXPECT_EQ(exit_status(results(0, 255)), k_exit_failures_cap);
    EXPECT_EQ(exit_status(results(0, 256)), k_exit_failures_cap) << "256 & 0xff would be 0";
    EXPECT_EQ(exit_status(results(2, 1000)), k_exit_failures_cap);
    EXPECT_EQ(exit_status(results(5, 0)), 0);
}

TEST(ExitStatus, TheCapIsBelowSysexitsTimeoutAndSignals) {
    EXPECT_LT(k_exit_failures_cap, 64) << "sysexits.h's range, where 69 and 74 are";
    EXPECT_LT(k_exit_failures_cap, k_exit_unavailable);
    EXPECT_LT(k_exit_failures_cap, k_exit_report_failed);
    EXPECT_LT(k_exit_failures_cap, k_exit_timeout);
    EXPECT_LT(k_exit_failures_cap, 128) << "128+N: killed by signal N";
}

TEST(ExitStatus, AMissingReportTurnsSuccessIntoAnIoErrorAndKeepsFailures) {
    EXPECT_EQ(exit_status(results(3, 0), false), k_exit_report_failed);
    EXPECT_EQ(exit_status(results(1, 0), false), k_exit_report_failed);
    EXPECT_EQ(exit_status(results(3, 2), false), 2) << "already not a success; says more";
    EXPECT_EQ(exit_status(results(0, 1), false), k_exit_unavailable);
    EXPECT_EQ(exit_status({}, false), k_exit_report_failed);
    EXPECT_EQ(exit_status(results(3, 0), true), 0);
}

}  // namespace
}  // namespace vmtest::run
