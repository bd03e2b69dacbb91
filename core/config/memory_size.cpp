#include "config/memory_size.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

namespace vmtest::config {
namespace {

bool is_digit(char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

// QEMU's suffix_mul(): binary multiples, either case.
std::optional<std::uint64_t> unit_multiplier(char unit) {
    constexpr std::string_view k_units = "BKMGTPE";
    const auto index =
        k_units.find(static_cast<char>(std::toupper(static_cast<unsigned char>(unit))));
    if (index == std::string_view::npos) {
        return std::nullopt;
    }
    return std::uint64_t{1} << (10 * index);
}

}  // namespace

std::optional<std::uint64_t> memory_size_bytes(std::string_view text) {
    constexpr std::uint64_t k_mib = 1024 * 1024;
    std::uint64_t multiplier = k_mib; // QEMU's legacy unit-less -m: MiB
    bool has_unit = false;
    if (!text.empty()) {
        if (const auto unit = unit_multiplier(text.back())) {
            multiplier = *unit;
            has_unit = true;
            text.remove_suffix(1);
        }
    }
    const auto dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    if (!all_digits(whole)) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    if (std::from_chars(whole.data(), whole.data() + whole.size(), value).ec != std::errc{} ||
        value > std::numeric_limits<std::uint64_t>::max() / multiplier) {
        return std::nullopt; // beyond 2^64 bytes: QEMU says "out of range"
    }
    std::uint64_t bytes = value * multiplier;
    if (dot != std::string_view::npos) {
        const std::string_view fraction = text.substr(dot + 1);
        // QEMU: "when a fraction is present, a scale is required".
        if (!all_digits(fraction) || !has_unit || multiplier == 1) {
            return std::nullopt;
        }
        // A double, as QEMU reads it: digits past its precision change nothing.
        // from_chars: locale-independent, unlike stod.
        const std::string decimal = "0." + std::string(fraction);
        double part = 0;
        std::from_chars(decimal.data(), decimal.data() + decimal.size(), part);
        const auto extra =
            static_cast<std::uint64_t>(std::floor(part * static_cast<double>(multiplier)));
        if (extra > std::numeric_limits<std::uint64_t>::max() - bytes) {
            return std::nullopt;
        }
        bytes += extra;
    }
    return bytes;
}

}  // namespace vmtest::config
