#include "config/control_characters.hpp"

namespace vmtest::config {
namespace {

// The length in bytes of the control character at text[i], or 0.
std::size_t control_length(std::string_view text, std::size_t i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7f) {
        return 1;
    }
    // C1 controls are U+0080-U+009F: 0xC2 0x80-0x9F in UTF-8.
    if (byte == 0xc2 && i + 1 < text.size()) {
        const auto next = static_cast<unsigned char>(text[i + 1]);
        if (next >= 0x80 && next <= 0x9f) {
            return 2;
        }
    }
    return 0;
}

}  // namespace

bool has_control_character(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (control_length(text, i) != 0) {
            return true;
        }
    }
    return false;
}

std::string replace_control_characters(std::string_view text) {
    std::string clean;
    for (std::size_t i = 0; i < text.size();) {
        if (const std::size_t length = control_length(text, i); length != 0) {
            clean += '?';
            i += length;
        } else {
            clean += text[i++];
        }
    }
    return clean;
}

}  // namespace vmtest::config
