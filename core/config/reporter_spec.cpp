#include "config/reporter_spec.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace vmtest::config {
namespace {

bool is_name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
}

}  // namespace

std::optional<ReporterSpec> parse_reporter_spec(std::string_view text) {
    const auto equals = text.find('=');
    const std::string_view name = text.substr(0, equals);
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_name_char)) {
        return std::nullopt;
    }
    ReporterSpec spec{std::string(name), std::nullopt};
    if (equals != std::string_view::npos) {
        const std::string_view output = text.substr(equals + 1);
        if (output.empty()) {
            return std::nullopt;
        }
        spec.output = std::filesystem::path(output);
    }
    return spec;
}

}  // namespace vmtest::config
