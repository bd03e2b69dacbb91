// The "junit" reporter: the run as JUnit XML, to a file or to stdout.
#pragma once

#include "document_reporter.hpp"

namespace vmtest::reporter_junit {

class JunitReporter : public report::DocumentReporter {
  public:
    JunitReporter(sdk::Host host, const nlohmann::json& config);
};

}  // namespace vmtest::reporter_junit
