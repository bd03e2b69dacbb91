// The NAME[=PATH] syntax shared by `--reporter` and vmtest.toml's
// `reporters`, so both accept exactly the same things.
#pragma once

#include <optional>
#include <string_view>

#include "config/target.hpp"

namespace vmtest::config {

// "junit=results.xml" -> {junit, results.xml}; "tap" -> {tap, none}.
// NAME is [A-Za-z0-9_.-]+ (a plugin name); PATH, when '=' is present, must
// not be empty. Returns none for anything else. PATH is kept as written:
// the caller decides what it is relative to.
std::optional<ReporterSpec> parse_reporter_spec(std::string_view text);

}  // namespace vmtest::config
