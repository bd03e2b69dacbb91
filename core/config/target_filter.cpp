#include "config/target_filter.hpp"

#include "config/usage_error.hpp"

namespace vmtest::config {

std::regex compile_filter(const std::string& pattern) {
    try {
        return std::regex(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& error) {
        throw UsageError("--filter: invalid regular expression '" + pattern + "': " + error.what());
    }
}

std::vector<Target> select_targets(const Config& config, const std::string& filter_regex) {
    const std::regex filter = compile_filter(filter_regex);
    std::vector<Target> selected;
    for (const Target& target : config.targets) {
        if (std::regex_search(target.name, filter)) {
            selected.push_back(target);
        }
    }
    return selected;
}

std::string exact_name_filter(const std::string& name) {
    constexpr std::string_view k_special = R"(\^$.|?*+()[]{})";
    std::string pattern = "^";
    for (const char c : name) {
        if (k_special.find(c) != std::string_view::npos) {
            pattern += '\\';
        }
        pattern += c;
    }
    return pattern + "$";
}

}  // namespace vmtest::config
