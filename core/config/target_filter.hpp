// --filter: which of the config's targets run.
#pragma once

#include <regex>
#include <string>
#include <vector>

#include "config/target.hpp"

namespace vmtest::config {

// Compiles a --filter pattern (ECMAScript syntax, which agrees with upstream's
// Rust regex on everyday patterns). Throws UsageError naming --filter.
std::regex compile_filter(const std::string& pattern);

// The targets whose name contains a match for `filter_regex` (a search, not
// a full match, like upstream's Regex::is_match), in config order.
// Throws UsageError if the pattern does not compile.
std::vector<Target> select_targets(const Config& config, const std::string& filter_regex);

// A --filter pattern that selects the target named `name` and no other:
// anchored, with every character special to ECMAScript regexes escaped
// ("6.1" must not also select "6x1"). For --list --json, so a CI job can
// run one listed target.
std::string exact_name_filter(const std::string& name);

}  // namespace vmtest::config
