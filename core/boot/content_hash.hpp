#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace vmtest::boot {

// A fast, non-cryptographic content hash (FNV-1a, 64 bit) used to name cache
// entries. It only has to tell apart the handful of kernels and module sets
// one machine sees; it is not a defence against crafted collisions.
class ContentHasher {
public:
    void update(std::span<const std::byte> bytes);
    void update(std::string_view text);
    // Feeds a length prefix before the text, so ("ab","c") and ("a","bc")
    // hash differently when several fields are hashed in a row.
    void update_field(std::string_view text);
    void update_file(const std::filesystem::path& path);

    [[nodiscard]] std::uint64_t value() const { return m_state; }
    // 16 lowercase hex digits.
    [[nodiscard]] std::string hex() const;

private:
    static constexpr std::uint64_t k_offset_basis = 0xcbf29ce484222325ULL;
    std::uint64_t m_state = k_offset_basis;
};

[[nodiscard]] std::string hash_file(const std::filesystem::path& path);
[[nodiscard]] std::string hash_bytes(std::span<const std::byte> bytes);

}  // namespace vmtest::boot
