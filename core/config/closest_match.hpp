// "Did you mean ...?" for misspelt field names such as `kernal`.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace vmtest::config {

// The candidate nearest to `word` by edit distance, if it is close enough
// to be a plausible typo (at most 2 edits, and fewer than half of the word).
std::optional<std::string_view> closest_match(std::string_view word,
                                              std::span<const std::string_view> candidates);

}  // namespace vmtest::config
