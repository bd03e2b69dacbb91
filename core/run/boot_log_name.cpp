#include "run/boot_log_name.hpp"

#include "boot/content_hash.hpp"

namespace vmtest::run {
namespace {

// ASCII only, whatever the locale: a kept byte never starts half a character.
bool is_kept(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.';
}

bool is_utf8_continuation(unsigned char c) {
    return (c & 0xC0) == 0x80;
}

}  // namespace

std::string boot_log_file_name(const std::string& target_name) {
    return kept_log_file_name(target_name, ".log");
}

std::string kept_log_file_name(const std::string& target_name, const std::string& extension) {
    std::string readable;
    bool changed = target_name.empty() || target_name.size() > k_max_readable_length;
    for (const char c : target_name) {
        const auto byte = static_cast<unsigned char>(c);
        if (is_kept(byte)) {
            readable += c;
        } else {
            changed = true;
            // One '_' per character, not per UTF-8 byte.
            if (!is_utf8_continuation(byte)) {
                readable += '_';
            }
        }
        if (readable.size() == k_max_readable_length) {
            break;
        }
    }
    if (!changed) {
        return readable + extension;
    }
    boot::ContentHasher hasher;
    hasher.update(target_name);
    return readable + "~" + hasher.hex() + extension;
}

}  // namespace vmtest::run
