#include "kernel_source/sha256.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "kernel_source/kernel_source_error.hpp"

namespace vmtest::kernel_source {

Sha256::Sha256() : m_context(EVP_MD_CTX_new()) {
    if (m_context == nullptr || EVP_DigestInit_ex(m_context, EVP_sha256(), nullptr) != 1) {
        EVP_MD_CTX_free(m_context);
        throw KernelSourceError("cannot start a SHA-256 computation (OpenSSL)");
    }
}

Sha256::~Sha256() {
    EVP_MD_CTX_free(m_context);
}

void Sha256::update(std::span<const std::byte> bytes) {
    EVP_DigestUpdate(m_context, bytes.data(), bytes.size());
}

void Sha256::update(std::string_view text) {
    EVP_DigestUpdate(m_context, text.data(), text.size());
}

std::string Sha256::hex_digest() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(m_context, digest, &length);
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        hex += k_hex[digest[i] >> 4];
        hex += k_hex[digest[i] & 0xf];
    }
    return hex;
}

std::string sha256_file(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw KernelSourceError("cannot read " + path.string() + ": " + std::strerror(errno));
    }
    Sha256 hasher;
    std::byte buffer[1 << 16];
    for (;;) {
        const ssize_t count = ::read(fd, buffer, sizeof buffer);
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count < 0) {
            const int error = errno;
            ::close(fd);
            throw KernelSourceError("cannot read " + path.string() + ": " + std::strerror(error));
        }
        if (count == 0) {
            break;
        }
        hasher.update(std::span(buffer, static_cast<std::size_t>(count)));
    }
    ::close(fd);
    return hasher.hex_digest();
}

std::string sha256_hex(std::string_view text) {
    Sha256 hasher;
    hasher.update(text);
    return hasher.hex_digest();
}

} // namespace vmtest::kernel_source
