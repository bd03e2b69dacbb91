#include "boot/percent_encoding.hpp"

namespace vmtest::boot {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

}  // namespace

std::string percent_encode(std::string_view value) {
    if (value.empty()) {
        return "-";
    }
    if (value == "-") {
        return "%2D";
    }
    static constexpr char k_hex[] = "0123456789ABCDEF";
    std::string encoded;
    encoded.reserve(value.size());
    for (char c : value) {
        auto byte = static_cast<unsigned char>(c);
        if (byte < 0x21 || byte == 0x25) {
            encoded += '%';
            encoded += k_hex[byte >> 4];
            encoded += k_hex[byte & 0xf];
        } else {
            encoded += c;
        }
    }
    return encoded;
}

std::optional<std::string> percent_decode(std::string_view field) {
    if (field == "-") {
        return std::string();
    }
    std::string decoded;
    decoded.reserve(field.size());
    for (std::size_t i = 0; i < field.size(); ++i) {
        if (field[i] != '%') {
            decoded += field[i];
            continue;
        }
        if (i + 2 >= field.size()) {
            return std::nullopt;
        }
        int high = hex_value(field[i + 1]);
        int low = hex_value(field[i + 2]);
        if (high < 0 || low < 0) {
            return std::nullopt;
        }
        decoded += static_cast<char>((high << 4) | low);
        i += 2;
    }
    return decoded;
}

}  // namespace vmtest::boot
