#include "config/kernel_location.hpp"

#include <algorithm>
#include <cctype>

namespace vmtest::config {
namespace {

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() &&
           std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) ==
                      std::tolower(static_cast<unsigned char>(b));
           });
}

} // namespace

bool is_url(const std::filesystem::path& location) {
    const std::string_view text = location.native();
    return starts_with_ignoring_case(text, "http://") ||
           starts_with_ignoring_case(text, "https://");
}

std::filesystem::path resolve_location(const std::filesystem::path& base_dir,
                                       const std::filesystem::path& text) {
    if (is_url(text)) {
        return text;
    }
    return (text.is_relative() && !base_dir.empty() ? base_dir / text : text).lexically_normal();
}

std::string location_file_name(const std::filesystem::path& location) {
    if (!is_url(location)) {
        return location.filename().string();
    }
    std::string_view url = location.native();
    url = url.substr(0, url.find_first_of("?#"));
    const std::string_view segment = url.substr(url.rfind('/') + 1);
    std::string name;
    for (std::size_t i = 0; i < segment.size(); ++i) {
        if (segment[i] == '%' && i + 2 < segment.size() &&
            std::isxdigit(static_cast<unsigned char>(segment[i + 1])) != 0 &&
            std::isxdigit(static_cast<unsigned char>(segment[i + 2])) != 0) {
            name +=
                static_cast<char>(std::stoi(std::string(segment.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            name += segment[i];
        }
    }
    return name;
}

bool is_sha256_hex(std::string_view text) {
    return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
               return std::isxdigit(static_cast<unsigned char>(c)) != 0;
           });
}

} // namespace vmtest::config
