#include "image/disk_image.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "util/file_kind.hpp"

namespace vmtest::image {

namespace {

constexpr std::size_t k_sector = 512;
// Far enough to see an ext4 superblock's magic (at 1024 + 56).
constexpr std::size_t k_head_bytes = 4096;

struct Signature {
    std::size_t offset;
    std::string_view bytes;
    const char* what; // completes "is ..."
};

// Files that are clearly something else, with what to do instead.
constexpr std::array k_not_disks = {
    Signature{0x202, "HdrS", "a Linux kernel (bzImage); give it as `kernel`, not `image`"},
    Signature{0,
              "\x7f"
              "ELF",
              "an ELF file (a kernel?); give a kernel as `kernel`, not `image`"},
    Signature{0, "KDMV", "a VMDK image; convert it first: qemu-img convert -O qcow2 IN OUT"},
    Signature{0x40, "\x7f\x10\xda\xbe",
              "a VirtualBox (VDI) image; convert it first: qemu-img convert -O qcow2 IN OUT"},
    Signature{0, "vhdxfile", "a VHDX image; convert it first: qemu-img convert -O qcow2 IN OUT"},
    Signature{0, "\x1f\x8b", "gzip-compressed; decompress it first"},
    Signature{0,
              "\xfd"
              "7zXZ",
              "xz-compressed; decompress it first"},
    Signature{0, "\x28\xb5\x2f\xfd", "zstd-compressed; decompress it first"},
};

// Checked only when the first sector has no boot signature: a disk's
// second sector may hold anything.
constexpr Signature k_bare_ext4{1024 + 56, "\x53\xef",
                                "a bare ext2/3/4 filesystem without a partition table; vmtest "
                                "boots whole disks (partition table and bootloader)"};

constexpr std::string_view k_qcow2_magic = "QFI\xfb";

bool has(const std::string& head, const Signature& signature) {
    return head.size() >= signature.offset + signature.bytes.size() &&
           head.compare(signature.offset, signature.bytes.size(), signature.bytes) == 0;
}

} // namespace

const char* format_name(DiskFormat format) {
    return format == DiskFormat::qcow2 ? "qcow2" : "raw";
}

DiskFormat detect_disk_format(const std::filesystem::path& path) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) {
        throw std::runtime_error("image " + path.string() + " " +
                                 util::describe_unexpected_kind(path, "a disk image file"));
    }
    std::ifstream in(path, std::ios::binary);
    std::string head(k_head_bytes, '\0');
    if (!in || !in.read(head.data(), static_cast<std::streamsize>(head.size())).good()) {
        if (!in.is_open() || in.bad()) {
            throw std::runtime_error("image " + path.string() +
                                     " cannot be read: " + std::strerror(errno));
        }
        head.resize(static_cast<std::size_t>(in.gcount()));
    }
    if (head.compare(0, k_qcow2_magic.size(), k_qcow2_magic) == 0) {
        return DiskFormat::qcow2;
    }
    for (const auto& signature : k_not_disks) {
        if (has(head, signature)) {
            throw std::runtime_error("image " + path.string() + " is not a disk image: it is " +
                                     signature.what);
        }
    }
    const bool boot_signature = head.size() >= k_sector &&
                                static_cast<unsigned char>(head[510]) == 0x55 &&
                                static_cast<unsigned char>(head[511]) == 0xaa;
    if (!boot_signature && has(head, k_bare_ext4)) {
        throw std::runtime_error("image " + path.string() + " is not a disk image: it is " +
                                 k_bare_ext4.what);
    }
    if (!boot_signature) {
        throw std::runtime_error("image " + path.string() +
                                 " is not a disk image: no qcow2 header and no MBR or GPT "
                                 "partition table");
    }
    return DiskFormat::raw;
}

} // namespace vmtest::image
