#pragma once

#include <string>

#include "run_record.hpp"

namespace vmtest::reporter_markdown {

// The run as a Markdown summary (see markdown_writer.cpp for its form).
std::string render_markdown(const report::RunRecord& run);

}  // namespace vmtest::reporter_markdown
