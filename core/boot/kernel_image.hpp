#pragma once

#include "boot/decompress.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace vmtest::boot {

// arm64_image: the arm64 boot image ("Image"), plain or gzip-compressed
// ("Image.gz"; QEMU decompresses it itself).
enum class KernelFormat { bzimage, elf, arm64_image, unknown };

[[nodiscard]] std::string_view to_string(KernelFormat format);

struct KernelImage {
    std::filesystem::path path;
    KernelFormat format = KernelFormat::unknown;
    // e.g. "6.1.0-56-amd64"; empty when the image does not say.
    std::string release;
    // The machine the kernel runs on, as `uname -m` names it ("x86_64",
    // "aarch64"); empty when the image does not say.
    std::string arch;
    // bzImage: how the embedded vmlinux is compressed. arm64 Image: how the
    // file is (none or gzip). ELF: none.
    Compression compression = Compression::none;
    // bzImage only: where the compressed vmlinux lies in the file.
    std::uint64_t payload_offset = 0;
    std::uint64_t payload_length = 0;
};

// Reads just enough of the file to classify it; the release of an ELF or an
// arm64 Image takes a scan of it for the kernel's banner (a gzipped Image is
// decompressed for that, up to the 256 MiB QEMU accepts). Throws BootError
// when the file cannot be read, is a bzImage with an inconsistent header or
// a gzipped arm64 Image with corrupt data; a file that is none of these
// formats comes back as KernelFormat::unknown.
[[nodiscard]] KernelImage inspect(const std::filesystem::path& path);

// A kernel QEMU can start through its PVH entry point: an ELF input with a
// PVH note as is, or the vmlinux decompressed out of a bzImage and cached as
// `<cache_dir>/vmlinux/<content hash of the bzImage>.elf`. nullopt for an
// arm64 Image (QEMU boots it, gzipped or not, as it is), when the
// payload's compression is not xz/gzip/zstd, the result is not ELF, or it
// has no PVH note (then the caller boots the bzImage, just more slowly).
// Throws BootError for I/O errors and corrupt payloads.
[[nodiscard]] std::optional<std::filesystem::path> extract_pvh_vmlinux(
    const KernelImage& image, const std::filesystem::path& cache_dir);

}  // namespace vmtest::boot
