#include "markdown_reporter.hpp"

#include "markdown_writer.hpp"

namespace vmtest::reporter_markdown {

MarkdownReporter::MarkdownReporter(sdk::Host host, const nlohmann::json& config)
    : DocumentReporter(host, config, render_markdown) {}

}  // namespace vmtest::reporter_markdown
