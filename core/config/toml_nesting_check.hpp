// Bounds how deeply a TOML text nests before toml++ sees it. toml++ builds
// (and later destroys) nested tables recursively, so one 60,000-part dotted
// key or a table header 40,000 parts deep overflows the stack and crashes
// vmtest. This pre-scan knows just enough TOML (strings, comments, headers,
// keys, brackets) not to count a dot or bracket inside a string or comment.
#pragma once

#include <string>
#include <string_view>

namespace vmtest::config {

// vmtest's own schema needs 5 levels (target.vm.mounts."/p".host_path);
// toml++ is safe far deeper. Counted together: the parts of the current
// table header, the parts of a dotted key, and each enclosing inline array
// or inline table.
inline constexpr int k_max_toml_nesting = 128;

// Throws ConfigError naming `file`, the line and column, and what nests too
// deeply ("dotted key", "table header", "array or inline table").
// Says nothing about other syntax: that is toml++'s job, after this.
void check_toml_nesting(std::string_view text, const std::string& file);

}  // namespace vmtest::config
