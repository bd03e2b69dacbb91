#pragma once

#include <string>

#include "run_record.hpp"

namespace vmtest::reporter_tap {

// The run as a TAP version 13 document (see tap_writer.cpp for its form).
std::string render_tap(const report::RunRecord& run);

}  // namespace vmtest::reporter_tap
