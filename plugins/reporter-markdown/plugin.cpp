// Registers MarkdownReporter as the "markdown" reporter plugin.
#include "markdown_reporter.hpp"

VMTEST_REPORTER_PLUGIN(vmtest::reporter_markdown::MarkdownReporter, "markdown", "0.1.0",
                       "Markdown summary table, e.g. for $GITHUB_STEP_SUMMARY "
                       "(--reporter markdown[=FILE])")
