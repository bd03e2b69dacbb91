#pragma once

#include "boot/decompress.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace vmtest::boot {

enum class KernelFormat { bzimage, elf, unknown };

[[nodiscard]] std::string_view to_string(KernelFormat format);

struct KernelImage {
    std::filesystem::path path;
    KernelFormat format = KernelFormat::unknown;
    // e.g. "6.1.0-56-amd64"; empty when the image does not say.
    std::string release;
    // bzImage: how the embedded vmlinux is compressed. ELF: none.
    Compression compression = Compression::none;
    // bzImage only: where the compressed vmlinux lies in the file.
    std::uint64_t payload_offset = 0;
    std::uint64_t payload_length = 0;
};

// Reads just enough of the file to classify it. Throws BootError when the
// file cannot be read or is a bzImage with an inconsistent header; a file
// that is neither bzImage nor ELF comes back as KernelFormat::unknown.
[[nodiscard]] KernelImage inspect(const std::filesystem::path& path);

// A kernel QEMU can start through its PVH entry point: an ELF input with a
// PVH note as is, or the vmlinux decompressed out of a bzImage and cached as
// `<cache_dir>/vmlinux/<content hash of the bzImage>.elf`. nullopt when the
// payload's compression is not xz/gzip/zstd, the result is not ELF, or it
// has no PVH note (then the caller boots the bzImage, just more slowly).
// Throws BootError for I/O errors and corrupt payloads.
[[nodiscard]] std::optional<std::filesystem::path> extract_pvh_vmlinux(
    const KernelImage& image, const std::filesystem::path& cache_dir);

}  // namespace vmtest::boot
