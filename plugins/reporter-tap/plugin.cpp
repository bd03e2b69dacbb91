// Registers TapReporter as the "tap" reporter plugin.
#include "tap_reporter.hpp"

VMTEST_REPORTER_PLUGIN(vmtest::reporter_tap::TapReporter, "tap", "0.1.0",
                       "TAP version 13 report, one test point per target (--reporter tap[=FILE])")
