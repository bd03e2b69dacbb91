// Registers JunitReporter as the "junit" reporter plugin.
#include "junit_reporter.hpp"

VMTEST_REPORTER_PLUGIN(vmtest::reporter_junit::JunitReporter, "junit", "0.1.0",
                       "JUnit XML report, one testsuite per target (--reporter junit[=FILE])")
