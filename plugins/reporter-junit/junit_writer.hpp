#pragma once

#include <string>

#include "run_record.hpp"

namespace vmtest::reporter_junit {

// The run as a JUnit XML document (see junit_writer.cpp for its layout).
std::string render_junit(const report::RunRecord& run);

}  // namespace vmtest::reporter_junit
