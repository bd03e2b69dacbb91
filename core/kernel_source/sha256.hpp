// SHA-256, from OpenSSL's libcrypto: `kernel_sha256` pins what a URL
// serves, and a package's digest names its extracted copy in the cache.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace vmtest::kernel_source {

class Sha256 {
  public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    void update(std::span<const std::byte> bytes);
    void update(std::string_view text);
    // 64 lowercase hex digits. The hasher cannot be updated afterwards.
    [[nodiscard]] std::string hex_digest();

  private:
    evp_md_ctx_st* m_context;
};

// The SHA-256 of a file's content. Throws KernelSourceError naming it.
[[nodiscard]] std::string sha256_file(const std::filesystem::path& path);

[[nodiscard]] std::string sha256_hex(std::string_view text);

} // namespace vmtest::kernel_source
