#include "tap_reporter.hpp"

#include "tap_writer.hpp"

namespace vmtest::reporter_tap {

TapReporter::TapReporter(sdk::Host host, const nlohmann::json& config)
    : DocumentReporter(host, config, render_tap) {}

}  // namespace vmtest::reporter_tap
