// The "markdown" reporter: the run as a Markdown summary, to a file or to
// stdout.
#pragma once

#include "document_reporter.hpp"

namespace vmtest::reporter_markdown {

class MarkdownReporter : public report::DocumentReporter {
  public:
    MarkdownReporter(sdk::Host host, const nlohmann::json& config);
};

}  // namespace vmtest::reporter_markdown
