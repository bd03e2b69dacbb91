#include "config/closest_match.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

namespace vmtest::config {
namespace {

// Levenshtein distance with one rolling row; the words are field names, so
// the quadratic cost is irrelevant.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), std::size_t{0});
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            diagonal = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
        }
    }
    return row[b.size()];
}

}  // namespace

std::optional<std::string_view> closest_match(std::string_view word,
                                              std::span<const std::string_view> candidates) {
    constexpr std::size_t k_max_edits = 2;
    std::optional<std::string_view> best;
    std::size_t best_distance = k_max_edits + 1;
    for (const std::string_view candidate : candidates) {
        const std::size_t distance = edit_distance(word, candidate);
        if (distance < best_distance && distance * 2 < word.size()) {
            best = candidate;
            best_distance = distance;
        }
    }
    return best;
}

}  // namespace vmtest::config
