#pragma once

#include <string>
#include <vector>

namespace vmtest::util {

// `text` split at runs of whitespace, as a shell splits unquoted words
// (no quoting): "  -cpu  host,pmu=off " -> {"-cpu", "host,pmu=off"}.
std::vector<std::string> split_words(const std::string& text);

}  // namespace vmtest::util
