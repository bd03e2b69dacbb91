#include "qga_version.hpp"

#include <charconv>

namespace vmtest::protocol {
namespace {

// Parses leading decimal digits of `text` into `value`, consuming them.
bool take_number(std::string_view& text, int& value) {
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (result.ec != std::errc{} || value < 0) {
        return false;
    }
    text.remove_prefix(static_cast<std::size_t>(result.ptr - text.data()));
    return true;
}

}  // namespace

std::optional<QgaVersion> QgaVersion::parse(std::string_view text) {
    QgaVersion version;
    if (!take_number(text, version.major)) {
        return std::nullopt;
    }
    if (!text.empty() && text.front() == '.') {
        text.remove_prefix(1);
        if (!take_number(text, version.minor)) {
            version.minor = 0;
        }
    }
    return version;
}

std::string QgaVersion::to_string() const {
    return std::to_string(major) + "." + std::to_string(minor);
}

}  // namespace vmtest::protocol
