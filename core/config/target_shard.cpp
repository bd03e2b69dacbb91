#include "config/target_shard.hpp"

#include <charconv>

#include "config/usage_error.hpp"

namespace vmtest::config {

namespace {

// A whole decimal number, nothing else ("+1", " 1", "1.0" are not).
bool parse_positive(std::string_view text, int& value) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return !text.empty() && text.front() != '-' && error == std::errc{} &&
           end == text.data() + text.size() && value >= 1;
}

}  // namespace

Shard parse_shard(const std::string& text) {
    const auto fail = [&text](const std::string& why) {
        return UsageError("--shard: expected K/N with 1 <= K <= N (e.g. 2/4), got '" + text +
                          "'" + (why.empty() ? "" : ": " + why));
    };
    const auto slash = text.find('/');
    if (slash == std::string::npos) {
        throw fail("");
    }
    Shard shard;
    const std::string_view all(text);
    if (!parse_positive(all.substr(0, slash), shard.index) ||
        !parse_positive(all.substr(slash + 1), shard.count)) {
        throw fail("");
    }
    if (shard.index > shard.count) {
        throw fail("there is no shard " + std::to_string(shard.index) + " of " +
                   std::to_string(shard.count));
    }
    return shard;
}

std::string shard_label(Shard shard) {
    return std::to_string(shard.index) + "/" + std::to_string(shard.count);
}

bool in_shard(std::size_t position, Shard shard) {
    return position % static_cast<std::size_t>(shard.count) ==
           static_cast<std::size_t>(shard.index - 1);
}

std::vector<Target> select_shard(const std::vector<Target>& targets, Shard shard) {
    std::vector<Target> selected;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        if (in_shard(i, shard)) {
            selected.push_back(targets[i]);
        }
    }
    return selected;
}

}  // namespace vmtest::config
