#include "tap_document.hpp"

namespace vmtest::tap {

TapOutcome outcome_of(const TapTestPoint& point) {
    switch (point.directive) {
    case TapDirective::skip:
        // "not ok # SKIP" is odd, but the test still did not run.
        return TapOutcome::skip;
    case TapDirective::todo:
        return point.ok ? TapOutcome::todo_passed : TapOutcome::todo_failed;
    case TapDirective::none:
        break;
    }
    return point.ok ? TapOutcome::pass : TapOutcome::fail;
}

int count_failures(const std::vector<TapTestPoint>& points) {
    int failures = 0;
    for (const auto& point : points) {
        failures += outcome_of(point) == TapOutcome::fail;
        failures += count_failures(point.subtests);
    }
    return failures;
}

int count_failures(const TapDocument& document) { return count_failures(document.tests); }

}  // namespace vmtest::tap
