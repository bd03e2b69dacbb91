#include "text_sanitizer.hpp"

#include <cstdint>

#include "vmtest/sdk/bytes.hpp"

namespace vmtest::report {

namespace {

constexpr char32_t k_escape = 0x1B;

// What decode() returns for bytes that are not UTF-8.
constexpr char32_t k_invalid = 0xFFFFFFFF;

// Decodes the UTF-8 character at `at` and moves past it; k_invalid for bytes
// that are not one (moving past the whole maximal subpart, which stands for
// one U+FFFD, as the event bus counts them too).
char32_t decode(std::string_view bytes, std::size_t& at) {
    const sdk::Utf8Sequence sequence = sdk::utf8_sequence(bytes.substr(at));
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[at + i]); };
    char32_t value = k_invalid;
    if (sequence.kind == sdk::Utf8Sequence::Kind::valid) {
        switch (sequence.length) {
        case 1:
            value = byte(0);
            break;
        case 2:
            value = (byte(0) & 0x1F) << 6 | (byte(1) & 0x3F);
            break;
        case 3:
            value = (byte(0) & 0x0F) << 12 | (byte(1) & 0x3F) << 6 | (byte(2) & 0x3F);
            break;
        default:
            value = (byte(0) & 0x07) << 18 | (byte(1) & 0x3F) << 12 | (byte(2) & 0x3F) << 6 |
                    (byte(3) & 0x3F);
        }
    }
    at += sequence.length;
    return value;
}

// The characters XML 1.0 and YAML 1.2 both allow, less the ones some YAML
// parsers take for line breaks.
bool allowed(char32_t c) {
    if (c == '\t' || c == '\n') {
        return true;
    }
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
        return false;
    }
    if (c == 0x2028 || c == 0x2029 || c == 0xFFFE || c == 0xFFFF) {
        return false;
    }
    return c <= 0x10FFFF;
}

// Skips the terminal escape sequence starting at `at` (an ESC): CSI
// ("ESC [ params final"), OSC ("ESC ] ... BEL" or "... ESC \"), or a
// two-character escape.
void skip_escape(std::string_view bytes, std::size_t& at) {
    ++at;
    if (at >= bytes.size()) {
        return;
    }
    const char kind = bytes[at];
    if (kind == '[') {
        for (++at; at < bytes.size(); ++at) {
            const auto c = static_cast<unsigned char>(bytes[at]);
            if (c >= 0x40 && c <= 0x7E) {
                ++at;
                return;
            }
            if (c < 0x20 || c > 0x3F) {
                return;  // not a CSI after all: leave the byte to the caller
            }
        }
    } else if (kind == ']') {
        for (++at; at < bytes.size(); ++at) {
            if (bytes[at] == '\a') {
                ++at;
                return;
            }
            if (bytes[at] == '\x1b' && at + 1 < bytes.size() && bytes[at + 1] == '\\') {
                at += 2;
                return;
            }
        }
    } else if (static_cast<unsigned char>(kind) >= 0x40 &&
               static_cast<unsigned char>(kind) <= 0x5F) {
        ++at;
    }
}

}  // namespace

std::string sanitize_text(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    std::size_t at = 0;
    while (at < bytes.size()) {
        if (bytes[at] == '\r') {
            ++at;
            if (at >= bytes.size() || bytes[at] != '\n') {
                out.push_back('\n');
            }
            continue;
        }
        const std::size_t start = at;
        const char32_t c = decode(bytes, at);
        if (c == k_escape) {
            at = start;
            skip_escape(bytes, at);
            continue;
        }
        if (c == k_invalid || !allowed(c)) {
            out.append(sdk::k_replacement_character);
            continue;
        }
        out.append(bytes.substr(start, at - start));
    }
    return out;
}

std::string sanitize_line(std::string_view bytes) {
    std::string line = sanitize_text(bytes);
    for (char& c : line) {
        if (c == '\n' || c == '\t') {
            c = ' ';
        }
    }
    return line;
}

}  // namespace vmtest::report
