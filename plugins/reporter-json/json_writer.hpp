// The run as one JSON document (schema: sdk/README.md, "The json report").
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "run_record.hpp"

namespace vmtest::reporter_json {

// Bumped when a member changes meaning or goes away; new members do not.
inline constexpr int k_json_report_schema = 1;

// Members in the order the schema lists them (ordered_json), for people
// reading the file.
nlohmann::ordered_json json_report(const report::RunRecord& run);

// json_report() as text: valid JSON and valid UTF-8, whatever the command
// printed (text members are sanitised; a byte that still is not UTF-8
// becomes U+FFFD rather than an exception).
std::string render_json(const report::RunRecord& run);

}  // namespace vmtest::reporter_json
