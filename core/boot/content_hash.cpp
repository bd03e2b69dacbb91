#include "boot/content_hash.hpp"

#include "boot/file_io.hpp"

#include <array>
#include <cstdio>

namespace vmtest::boot {

namespace {
constexpr std::uint64_t k_fnv_prime = 0x100000001b3ULL;
}

void ContentHasher::update(std::span<const std::byte> bytes) {
    std::uint64_t state = m_state;
    for (std::byte b : bytes) {
        state ^= static_cast<std::uint8_t>(b);
        state *= k_fnv_prime;
    }
    m_state = state;
}

void ContentHasher::update(std::string_view text) {
    update(std::as_bytes(std::span(text.data(), text.size())));
}

void ContentHasher::update_field(std::string_view text) {
    std::uint64_t size = text.size();
    std::array<std::byte, 8> prefix{};
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        prefix[i] = static_cast<std::byte>((size >> (8 * i)) & 0xff);
    }
    update(prefix);
    update(text);
}

void ContentHasher::update_file(const std::filesystem::path& path) {
    read_file_chunks(path, [this](std::span<const std::byte> chunk) { update(chunk); });
}

std::string ContentHasher::hex() const {
    std::array<char, 17> text{};
    std::snprintf(text.data(), text.size(), "%016llx", static_cast<unsigned long long>(m_state));
    return std::string(text.data(), 16);
}

std::string hash_file(const std::filesystem::path& path) {
    ContentHasher hasher;
    hasher.update_file(path);
    return hasher.hex();
}

std::string hash_bytes(std::span<const std::byte> bytes) {
    ContentHasher hasher;
    hasher.update(bytes);
    return hasher.hex();
}

}  // namespace vmtest::boot
