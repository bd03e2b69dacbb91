#include "config/memory_size.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace vmtest::config {
namespace {

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

bool is_unit(char c) {
    constexpr std::string_view k_units = "BKMGTPEbkmgtpe";
    return k_units.find(c) != std::string_view::npos;
}

}  // namespace

bool is_valid_memory_size(std::string_view text) {
    if (!text.empty() && is_unit(text.back())) {
        text.remove_suffix(1);
    }
    const auto dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    const std::string_view fraction =
        dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    if (whole.empty() || !std::all_of(whole.begin(), whole.end(), is_digit)) {
        return false;
    }
    if (dot != std::string_view::npos &&
        (fraction.empty() || !std::all_of(fraction.begin(), fraction.end(), is_digit))) {
        return false;
    }
    // QEMU refuses a zero-sized guest; any non-zero digit makes it positive.
    return std::any_of(text.begin(), text.end(), [](char c) { return is_digit(c) && c != '0'; });
}

}  // namespace vmtest::config
