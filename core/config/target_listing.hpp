// --list: the selected targets, for a person (names) or a CI matrix (JSON).
// Listing needs nothing but the targets: it boots, downloads and loads
// nothing.
#pragma once

#include <string>
#include <vector>

#include "config/target.hpp"

namespace vmtest::config {

// The targets' names, one a line, in run order.
std::string target_names_text(const std::vector<Target>& targets);

// A JSON array on one line (so it fits a GitHub Actions output as it is),
// one object per target, in run order (schema in README.md, "Listing and
// sharding targets"):
//   {"name": ..., "filter": ..., "kernel"|"image": ..., "arch": ..., "backend": ...}
// `filter` is a --filter pattern selecting that target alone. Text that is
// not valid UTF-8 (a one-liner kernel's file name) has U+FFFD in its place.
std::string target_list_json(const std::vector<Target>& targets);

}  // namespace vmtest::config
