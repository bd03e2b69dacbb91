// Bytes across a boundary that speaks JSON. Since ABI 1.1.
//
// JSON text is UTF-8, but much of what crosses the plugin boundary is bytes
// in no particular encoding: paths, arguments, the environment, what a
// command prints. This header holds what both sides need to carry them
// exactly (sdk/README.md, "Bytes in JSON documents"):
//   - base64, the exact form of bytes inside JSON;
//   - UTF-8 checking and repair (invalid bytes become U+FFFD), for the text
//     forms, including a decoder for streams that arrive in chunks;
//   - the byte-string convention: a string member `x` whose bytes are not
//     UTF-8 travels as its repaired text plus `x_base64`, the exact bytes.
// Header-only, like the rest of the SDK; the host uses the same code.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace vmtest::sdk {

// ---------------------------------------------------------------- base64

// RFC 4648's standard alphabet.
inline constexpr std::string_view k_base64_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// RFC 4648, standard alphabet, padded.
inline std::string base64_encode(std::string_view bytes) {
    constexpr std::string_view k_alphabet = k_base64_alphabet;
    const auto byte_at = [&](std::size_t i) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i]));
    };
    std::string text;
    text.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t at = 0;
    for (; at + 3 <= bytes.size(); at += 3) {
        const std::uint32_t group = byte_at(at) << 16 | byte_at(at + 1) << 8 | byte_at(at + 2);
        text += k_alphabet[group >> 18];
        text += k_alphabet[(group >> 12) & 0x3F];
        text += k_alphabet[(group >> 6) & 0x3F];
        text += k_alphabet[group & 0x3F];
    }
    if (const std::size_t rest = bytes.size() - at; rest > 0) {
        const std::uint32_t group = byte_at(at) << 16 | (rest == 2 ? byte_at(at + 1) << 8 : 0);
        text += k_alphabet[group >> 18];
        text += k_alphabet[(group >> 12) & 0x3F];
        text += rest == 2 ? k_alphabet[(group >> 6) & 0x3F] : '=';
        text += '=';
    }
    return text;
}

// The bytes `text` stands for; nullopt when it is not base64. Whitespace is
// ignored and padding is optional (as QEMU's agent and MIME write it).
inline std::optional<std::string> base64_decode(std::string_view text) {
    // Each byte's value in the alphabet, -1 outside it.
    static const auto k_values = [] {
        std::array<int, 256> values{};
        values.fill(-1);
        for (std::size_t i = 0; i < k_base64_alphabet.size(); ++i) {
            values[static_cast<unsigned char>(k_base64_alphabet[i])] = static_cast<int>(i);
        }
        return values;
    }();
    const auto value_of = [](char c) { return k_values[static_cast<unsigned char>(c)]; };
    std::string bytes;
    bytes.reserve(text.size() / 4 * 3);
    std::uint32_t group = 0;
    int bits = 0;
    bool padded = false;
    for (const char c : text) {
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            continue;
        }
        if (c == '=') {
            padded = true;
            continue;
        }
        const int value = value_of(c);
        if (value < 0 || padded) {
            return std::nullopt;  // outside the alphabet, or data after padding
        }
        group = (group << 6) | static_cast<std::uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes += static_cast<char>((group >> bits) & 0xFF);
        }
    }
    if (bits >= 6) {
        return std::nullopt;  // a lone sixth of a byte: a character is missing
    }
    return bytes;
}

// ---------------------------------------------------------------- UTF-8

// What starts a byte string, judged by Unicode's table of well-formed UTF-8
// (no overlong forms, no surrogates, nothing above U+10FFFF).
struct Utf8Sequence {
    enum class Kind {
        valid,      // a whole character of `length` bytes
        invalid,    // `length` bytes (at least one) that no character starts
                    // with: together they stand for one U+FFFD, as Unicode
                    // recommends (the "maximal subpart")
        truncated,  // all `length` remaining bytes begin a character that
                    // the string ends before: more bytes may complete it
    };
    Kind kind;
    std::size_t length;
};

// Classifies the start of `bytes`, which must not be empty.
inline Utf8Sequence utf8_sequence(std::string_view bytes) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
    const unsigned char first = byte(0);
    if (first < 0x80) {
        return {Utf8Sequence::Kind::valid, 1};
    }
    std::size_t length = 0;
    unsigned char low = 0x80;  // the range the second byte must be in
    unsigned char high = 0xBF;
    if (first >= 0xC2 && first <= 0xDF) {
        length = 2;
    } else if (first >= 0xE0 && first <= 0xEF) {
        length = 3;
        low = first == 0xE0 ? 0xA0 : 0x80;   // E0 80..9F would be overlong
        high = first == 0xED ? 0x9F : 0xBF;  // ED A0..BF would be a surrogate
    } else if (first >= 0xF0 && first <= 0xF4) {
        length = 4;
        low = first == 0xF0 ? 0x90 : 0x80;   // F0 80..8F would be overlong
        high = first == 0xF4 ? 0x8F : 0xBF;  // F4 90.. would pass U+10FFFF
    } else {
        return {Utf8Sequence::Kind::invalid, 1};  // continuation, C0, C1, F5..FF
    }
    for (std::size_t i = 1; i < length; ++i) {
        if (i == bytes.size()) {
            return {Utf8Sequence::Kind::truncated, i};
        }
        const unsigned char next = byte(i);
        const bool fits = i == 1 ? next >= low && next <= high : next >= 0x80 && next <= 0xBF;
        if (!fits) {
            return {Utf8Sequence::Kind::invalid, i};
        }
    }
    return {Utf8Sequence::Kind::valid, length};
}

inline bool is_utf8(std::string_view bytes) {
    std::size_t at = 0;
    while (at < bytes.size()) {
        if (static_cast<unsigned char>(bytes[at]) < 0x80) {
            ++at;
            continue;
        }
        const Utf8Sequence sequence = utf8_sequence(bytes.substr(at));
        if (sequence.kind != Utf8Sequence::Kind::valid) {
            return false;
        }
        at += sequence.length;
    }
    return true;
}

// U+FFFD REPLACEMENT CHARACTER in UTF-8.
inline constexpr std::string_view k_replacement_character = "\xEF\xBF\xBD";

// `bytes` as valid UTF-8: what is not UTF-8 becomes U+FFFD (one per
// maximal subpart, see Utf8Sequence), everything else is kept.
inline std::string to_utf8(std::string_view bytes) {
    std::string text;
    text.reserve(bytes.size());
    std::size_t at = 0;
    while (at < bytes.size()) {
        std::size_t plain = at;  // copy runs of ASCII in one go
        while (plain < bytes.size() && static_cast<unsigned char>(bytes[plain]) < 0x80) {
            ++plain;
        }
        text.append(bytes.substr(at, plain - at));
        at = plain;
        if (at == bytes.size()) {
            break;
        }
        const Utf8Sequence sequence = utf8_sequence(bytes.substr(at));
        if (sequence.kind == Utf8Sequence::Kind::valid) {
            text.append(bytes.substr(at, sequence.length));
        } else {
            text.append(k_replacement_character);
        }
        at += sequence.length;
    }
    return text;
}

// Turns a byte stream that arrives in chunks of any size into UTF-8 text,
// as to_utf8() would turn the whole stream at once: a character split
// between two chunks is held back (at most 3 bytes) and completed by the
// next one, instead of becoming two U+FFFD.
class Utf8Stream {
  public:
    // The text of `bytes` that is complete so far.
    std::string push(std::string_view bytes) {
        if (m_pending.empty() && bytes.empty()) {
            return {};
        }
        std::string joined;
        if (!m_pending.empty()) {
            joined = std::move(m_pending) + std::string(bytes);
            m_pending.clear();
            bytes = joined;
        }
        // Only the last (at most 3) bytes can be the start of an unfinished
        // character; find where it begins, if it does.
        std::size_t keep_from = bytes.size();
        for (std::size_t back = 1; back <= 3 && back <= bytes.size(); ++back) {
            const std::size_t start = bytes.size() - back;
            const unsigned char c = static_cast<unsigned char>(bytes[start]);
            if (c < 0x80 || c >= 0xC0) {  // not a continuation byte: a start
                if (utf8_sequence(bytes.substr(start)).kind == Utf8Sequence::Kind::truncated) {
                    keep_from = start;
                }
                break;
            }
        }
        m_pending.assign(bytes.substr(keep_from));
        return to_utf8(bytes.substr(0, keep_from));
    }

    // The end of the stream: U+FFFD for a character it left unfinished,
    // else nothing.
    std::string finish() {
        const bool unfinished = !m_pending.empty();
        m_pending.clear();
        return unfinished ? std::string(k_replacement_character) : std::string();
    }

    // Whether bytes are held back for the next chunk.
    bool pending() const { return !m_pending.empty(); }

  private:
    std::string m_pending;
};

// ------------------------------------------------ byte strings in JSON

// The suffix of the member that carries a byte string's exact bytes.
inline constexpr std::string_view k_base64_suffix = "_base64";

namespace detail {

inline bool all_strings(const nlohmann::json& array) {
    for (const auto& element : array) {
        if (!element.is_string()) {
            return false;
        }
    }
    return !array.empty();
}

inline void encode_members(nlohmann::json& value, const std::string& where,
                           std::vector<std::string>& carried);

inline void encode_object(nlohmann::json& object, const std::string& where,
                          std::vector<std::string>& carried) {
    std::vector<std::pair<std::string, nlohmann::json>> added;
    for (auto& [key, member] : object.items()) {
        const std::string name = where.empty() ? key : where + "." + key;
        if (member.is_string()) {
            const auto& bytes = member.get_ref<const std::string&>();
            if (!is_utf8(bytes)) {
                added.emplace_back(key + std::string(k_base64_suffix), base64_encode(bytes));
                member = to_utf8(bytes);
                carried.push_back(name);
            }
        } else if (member.is_array() && all_strings(member)) {
            std::size_t first_bad = member.size();
            for (std::size_t i = 0; i < member.size() && first_bad == member.size(); ++i) {
                if (!is_utf8(member[i].get_ref<const std::string&>())) {
                    first_bad = i;
                }
            }
            if (first_bad < member.size()) {
                nlohmann::json exact = nlohmann::json::array();
                for (auto& element : member) {
                    const auto& bytes = element.get_ref<const std::string&>();
                    exact.push_back(base64_encode(bytes));
                    element = to_utf8(bytes);
                }
                added.emplace_back(key + std::string(k_base64_suffix), std::move(exact));
                carried.push_back(name + "[" + std::to_string(first_bad) + "]");
            }
        } else {
            encode_members(member, name, carried);
        }
    }
    for (auto& [key, member] : added) {
        object[key] = std::move(member);
    }
}

inline void encode_members(nlohmann::json& value, const std::string& where,
                           std::vector<std::string>& carried) {
    if (value.is_object()) {
        encode_object(value, where, carried);
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            encode_members(value[i], where + "[" + std::to_string(i) + "]", carried);
        }
    }
}

inline std::string decode_or_throw(const nlohmann::json& text, const std::string& name) {
    std::optional<std::string> bytes;
    if (text.is_string()) {
        bytes = base64_decode(text.get_ref<const std::string&>());
    }
    if (!bytes) {
        throw std::invalid_argument("member '" + name + "' is not base64");
    }
    return *bytes;
}

inline void decode_members(nlohmann::json& value, const std::string& where) {
    if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            decode_members(value[i], where + "[" + std::to_string(i) + "]");
        }
        return;
    }
    if (!value.is_object()) {
        return;
    }
    std::vector<std::string> exact_members;
    for (auto& [key, member] : value.items()) {
        const bool carrier = key.size() > k_base64_suffix.size() &&
                             key.compare(key.size() - k_base64_suffix.size(),
                                         k_base64_suffix.size(), k_base64_suffix) == 0;
        if (carrier && value.contains(key.substr(0, key.size() - k_base64_suffix.size()))) {
            exact_members.push_back(key);
        } else {
            decode_members(member, where.empty() ? key : where + "." + key);
        }
    }
    for (const auto& key : exact_members) {
        const std::string text_key = key.substr(0, key.size() - k_base64_suffix.size());
        const std::string name = where.empty() ? key : where + "." + key;
        const nlohmann::json& exact = value[key];
        if (exact.is_array()) {
            nlohmann::json bytes = nlohmann::json::array();
            for (std::size_t i = 0; i < exact.size(); ++i) {
                bytes.push_back(decode_or_throw(exact[i], name + "[" + std::to_string(i) + "]"));
            }
            value[text_key] = std::move(bytes);
        } else {
            value[text_key] = decode_or_throw(exact, name);
        }
        value.erase(key);
    }
}

}  // namespace detail

// Makes `document` fit for JSON text: every string member, or array of
// strings, holding bytes that are not UTF-8 is replaced by its to_utf8()
// text and gets a sibling named with "_base64" appended holding the exact
// bytes (for an array: an array of the same length, every element encoded).
// Returns where that was needed ("env[3]", "attachments[0].path"; for an
// array, its first element that is not UTF-8), empty when the document was
// all UTF-8 and is unchanged.
inline std::vector<std::string> encode_byte_strings(nlohmann::json& document) {
    std::vector<std::string> carried;
    detail::encode_members(document, "", carried);
    return carried;
}

// The inverse of encode_byte_strings(): every member `x` with a sibling
// `x_base64` takes the exact bytes, and the sibling is removed. Throws
// std::invalid_argument naming a sibling that is not base64.
inline void decode_byte_strings(nlohmann::json& document) {
    detail::decode_members(document, "");
}

// ------------------------------------------------------- output events

// The exact bytes an "output" event carries: its `data_base64` (since ABI
// 1.1, present whenever the bytes are not exactly `data`), else `data`.
// Throws std::invalid_argument when `data_base64` is not base64.
inline std::string output_bytes(const nlohmann::json& event) {
    if (const auto exact = event.find("data_base64"); exact != event.end()) {
        return detail::decode_or_throw(*exact, "data_base64");
    }
    return event.value("data", std::string());
}

}  // namespace vmtest::sdk
