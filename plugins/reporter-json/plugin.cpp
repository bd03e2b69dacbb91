// Registers JsonReporter as the "json" reporter plugin.
#include "json_reporter.hpp"

VMTEST_REPORTER_PLUGIN(vmtest::reporter_json::JsonReporter, "json", "0.1.0",
                       "the run as one JSON document, for scripts (--reporter json[=FILE])")
