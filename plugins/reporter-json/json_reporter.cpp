#include "json_reporter.hpp"

#include "json_writer.hpp"

namespace vmtest::reporter_json {

JsonReporter::JsonReporter(sdk::Host host, const nlohmann::json& config)
    : DocumentReporter(host, config, render_json) {}

}  // namespace vmtest::reporter_json
