#include "junit_reporter.hpp"

#include "junit_writer.hpp"

namespace vmtest::reporter_junit {

JunitReporter::JunitReporter(sdk::Host host, const nlohmann::json& config)
    : DocumentReporter(host, config, render_junit) {}

}  // namespace vmtest::reporter_junit
