// The "tap" reporter: the run as TAP version 13, to a file or to stdout.
#pragma once

#include "document_reporter.hpp"

namespace vmtest::reporter_tap {

class TapReporter : public report::DocumentReporter {
  public:
    TapReporter(sdk::Host host, const nlohmann::json& config);
};

}  // namespace vmtest::reporter_tap
