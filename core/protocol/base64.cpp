#include "protocol/base64.hpp"

#include <cstdint>

#include "protocol/errors.hpp"

namespace vmtest::protocol {
namespace {

int sextet(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

}  // namespace

std::string base64_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size() / 4 * 3);
    std::uint32_t bits = 0;
    int bit_count = 0;
    bool padding = false;
    for (const char c : text) {
        if (is_space(c)) {
            continue;
        }
        if (c == '=') {
            padding = true;
            continue;
        }
        const int value = sextet(c);
        if (value < 0 || padding) {
            throw MalformedMessage("invalid base64 data");
        }
        bits = (bits << 6) | static_cast<std::uint32_t>(value);
        bit_count += 6;
        if (bit_count >= 8) {
            bit_count -= 8;
            out.push_back(static_cast<char>((bits >> bit_count) & 0xFF));
        }
    }
    return out;
}

}  // namespace vmtest::protocol
