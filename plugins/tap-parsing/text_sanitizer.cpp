#include "text_sanitizer.hpp"

#include <cstdint>

namespace vmtest::report {

namespace {

constexpr char32_t k_replacement = 0xFFFD;
constexpr char32_t k_escape = 0x1B;

// What decode() returns for bytes that are not UTF-8.
constexpr char32_t k_invalid = 0xFFFFFFFF;

// Decodes the UTF-8 sequence at `at` and moves past it; k_invalid (moving
// one byte) for an overlong, surrogate, out-of-range or truncated one.

char32_t decode(std::string_view bytes, std::size_t& at) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
    const unsigned char first = byte(at);
    if (first < 0x80) {
        ++at;
        return first;
    }
    int length = 0;
    char32_t value = 0;
    char32_t minimum = 0;
    if ((first & 0xE0) == 0xC0) {
        length = 2, value = first & 0x1F, minimum = 0x80;
    } else if ((first & 0xF0) == 0xE0) {
        length = 3, value = first & 0x0F, minimum = 0x800;
    } else if ((first & 0xF8) == 0xF0) {
        length = 4, value = first & 0x07, minimum = 0x10000;
    } else {
        ++at;
        return k_invalid;
    }
    if (at + length > bytes.size()) {
        ++at;
        return k_invalid;
    }
    for (int i = 1; i < length; ++i) {
        const unsigned char next = byte(at + i);
        if ((next & 0xC0) != 0x80) {
            ++at;  // resynchronise on the next byte, which may start a character
            return k_invalid;
        }
        value = (value << 6) | (next & 0x3F);
    }
    if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
        ++at;
        return k_invalid;
    }
    at += length;
    return value;
}

void encode(char32_t c, std::string& out) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
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
            encode(k_replacement, out);
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
