// What a target's command said about itself in TAP or KTAP: the test points
// it printed, their subtests, and whether the stream as a whole is coherent
// enough to report test point by test point.
#pragma once

#include <string>
#include <vector>

namespace vmtest::tap {

enum class TapDirective { none, skip, todo };

struct TapTestPoint {
    bool ok = false;
    int number = 0;  // as printed, or its position when the line had none
    std::string description;
    TapDirective directive = TapDirective::none;
    std::string reason;        // the directive's text: "# SKIP <reason>"
    std::string yaml;          // the diagnostic block's lines, its indentation removed
    std::string output;        // other lines printed since the previous test point
    std::string subtest_name;  // "# Subtest: <name>", when the subtests named themselves
    std::vector<TapTestPoint> subtests;
};

// How one test point counts, as TAP says: a TODO test that fails is
// expected to, and one that passes is a bonus, not a failure.
enum class TapOutcome { pass, fail, skip, todo_failed, todo_passed };
TapOutcome outcome_of(const TapTestPoint& point);

struct TapDocument {
    // The output had a plan or a version line: whoever wrote it meant TAP.
    bool looks_like_tap = false;
    // Plan, numbering and nesting agree everywhere: safe to report test
    // point by test point. Otherwise `problem` says why not.
    bool consistent = false;
    std::string problem;

    bool ktap = false;
    int version = 12;  // TAP without a version line is version 12
    int planned = 0;
    std::string skip_all_reason;  // "1..0 # SKIP <reason>"
    bool bailed_out = false;
    std::string bail_out_reason;
    std::vector<TapTestPoint> tests;
};

// Test points among `points` and their subtests that fail, not counting
// TODO ones.
int count_failures(const std::vector<TapTestPoint>& points);
int count_failures(const TapDocument& document);

}  // namespace vmtest::tap
