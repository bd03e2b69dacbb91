// The "json" reporter: the run as one JSON document, to a file or to stdout.
#pragma once

#include "document_reporter.hpp"

namespace vmtest::reporter_json {

class JsonReporter : public report::DocumentReporter {
  public:
    JsonReporter(sdk::Host host, const nlohmann::json& config);
};

}  // namespace vmtest::reporter_json
