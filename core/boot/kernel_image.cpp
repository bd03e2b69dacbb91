// The x86 bzImage format, briefly. A bzImage is a 16-bit real-mode "setup"
// program followed by 32/64-bit "protected mode" code. The setup part starts
// with a 512-byte boot sector whose tail holds the boot protocol header:
// 0x1fe has the boot flag 0xaa55, 0x202 the magic "HdrS", 0x206 the protocol
// version, 0x1f1 the number of 512-byte setup sectors after the boot sector
// (0 means 4, for ancient reasons). The protected-mode code therefore starts
// at (setup_sects + 1) * 512. Since protocol 2.08 the header also says where,
// inside the protected-mode code, the compressed vmlinux ("payload") is:
// payload_offset (u32 at 0x248) and payload_length (u32 at 0x24c), both
// relative to the start of the protected-mode code. The payload's last four
// bytes are the uncompressed size (little endian), appended by the kernel
// build. The header field kernel_version (u16 at 0x20e) points, minus 0x200,
// to a NUL-terminated string in the setup code that begins with the release:
// "6.1.0-56-amd64 (debian-kernel@lists.debian.org) #1 SMP ...".
// An uncompressed vmlinux is a plain ELF file; its release is found in the
// banner "Linux version <release> (...)" in its read-only data, its machine
// in the ELF header's e_machine.
// The arm64 boot image ("Image", Documentation/arch/arm64/booting.rst) is the
// kernel's memory image with a 64-byte header in front: code0/code1 (an
// "MZ" and a branch when it carries an EFI stub), text_offset, image_size,
// flags (bit 0: big endian) and the magic "ARM\x64" at 0x38. It has no field
// for the release, so that comes from the banner as for a vmlinux. Debian
// ships it uncompressed as vmlinuz (32-44 MB); `make` also writes Image.gz,
// a plain gzip of it, which QEMU decompresses when it loads the kernel.
// (An EFI zboot image, "MZ" then "zimg" at 4, is not recognised: QEMU 7.2
// cannot boot it, and Debian does not build its arm64 kernels that way.)

#include "boot/kernel_image.hpp"

#include "boot/boot_error.hpp"
#include "boot/content_hash.hpp"
#include "boot/elf_notes.hpp"
#include "boot/file_io.hpp"
#include "util/elf_machine.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace vmtest::boot {

namespace {

constexpr std::size_t k_setup_sects_at = 0x1f1;
constexpr std::size_t k_boot_flag_at = 0x1fe;
constexpr std::size_t k_header_magic_at = 0x202;
constexpr std::size_t k_protocol_version_at = 0x206;
constexpr std::size_t k_kernel_version_at = 0x20e;
constexpr std::size_t k_payload_offset_at = 0x248;
constexpr std::size_t k_payload_length_at = 0x24c;
constexpr std::uint16_t k_min_protocol_with_payload = 0x0208;
constexpr std::string_view k_banner = "Linux version ";
constexpr std::size_t k_arm64_magic_at = 0x38;
constexpr std::size_t k_arm64_flags_at = 0x18;
constexpr std::string_view k_arm64_magic = "ARM\x64";
constexpr std::size_t k_arm64_header_size = 0x40;
// QEMU refuses a gzipped kernel that decompresses to more than this
// (LOAD_IMAGE_MAX_GUNZIP_BYTES), so nothing larger is worth reading.
constexpr std::size_t k_max_gunzipped_image = 256ULL << 20;

class ReadOnlyFile {
public:
    explicit ReadOnlyFile(const std::filesystem::path& path)
        : m_path(path), m_fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
        if (m_fd < 0) {
            throw BootError("cannot open kernel image " + path.string() + ": " +
                            std::strerror(errno));
        }
    }
    ReadOnlyFile(const ReadOnlyFile&) = delete;
    ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;
    ~ReadOnlyFile() { ::close(m_fd); }

    // Reads up to `size` bytes at `offset`; fewer at the end of the file.
    std::vector<std::byte> read_at(std::uint64_t offset, std::size_t size) const {
        std::vector<std::byte> bytes(size);
        std::size_t done = 0;
        while (done < size) {
            ssize_t n = ::pread(m_fd, bytes.data() + done, size - done,
                                static_cast<off_t>(offset + done));
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0) {
                throw BootError("cannot read kernel image " + m_path.string() + ": " +
                                std::strerror(errno));
            }
            if (n == 0) {
                break;
            }
            done += static_cast<std::size_t>(n);
        }
        bytes.resize(done);
        return bytes;
    }

private:
    std::filesystem::path m_path;
    int m_fd;
};

std::uint32_t le32(std::span<const std::byte> bytes, std::size_t at) {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        value |= std::uint32_t{static_cast<std::uint8_t>(bytes[at + i])} << (8 * i);
    }
    return value;
}

std::uint16_t le16(std::span<const std::byte> bytes, std::size_t at) {
    return static_cast<std::uint16_t>(static_cast<std::uint8_t>(bytes[at]) |
                                      (static_cast<std::uint8_t>(bytes[at + 1]) << 8));
}

bool is_bzimage(std::span<const std::byte> header) {
    return header.size() > k_payload_length_at + 4 && le16(header, k_boot_flag_at) == 0xaa55 &&
           std::memcmp(header.data() + k_header_magic_at, "HdrS", 4) == 0;
}

bool is_arm64_image(std::span<const std::byte> header) {
    return header.size() >= k_arm64_header_size &&
           std::memcmp(header.data() + k_arm64_magic_at, k_arm64_magic.data(),
                       k_arm64_magic.size()) == 0;
}

// A big-endian arm64 kernel is "aarch64_be" to `uname -m`.
std::string arm64_image_arch(std::span<const std::byte> header) {
    bool big_endian = (le32(header, k_arm64_flags_at) & 1U) != 0;
    return big_endian ? "aarch64_be" : "aarch64";
}

// A release is the run of printable, non-space characters at `text`.
std::string release_at(std::span<const std::byte> bytes, std::size_t at) {
    std::string release;
    while (at < bytes.size()) {
        auto c = static_cast<char>(bytes[at++]);
        if (c <= ' ' || c > '~') {
            break;
        }
        release += c;
    }
    return release;
}

void inspect_bzimage(const ReadOnlyFile& file, std::span<const std::byte> header,
                     KernelImage& image) {
    const std::string& name = image.path.string();
    unsigned setup_sects = static_cast<std::uint8_t>(header[k_setup_sects_at]);
    if (setup_sects == 0) {
        setup_sects = 4;
    }
    std::uint64_t protected_mode_start = (std::uint64_t{setup_sects} + 1) * 512;

    std::uint16_t kernel_version = le16(header, k_kernel_version_at);
    if (kernel_version != 0) {
        std::uint64_t at = std::uint64_t{kernel_version} + 0x200;
        std::vector<std::byte> text = file.read_at(at, 256);
        image.release = release_at(text, 0);
    }

    if (le16(header, k_protocol_version_at) < k_min_protocol_with_payload) {
        image.compression = Compression::other;  // too old to locate the payload
        return;
    }
    image.payload_offset = protected_mode_start + le32(header, k_payload_offset_at);
    image.payload_length = le32(header, k_payload_length_at);
    std::vector<std::byte> magic = file.read_at(image.payload_offset, 8);
    if (image.payload_length < 8 || magic.size() < 8) {
        throw BootError("bzImage " + name + " has a payload outside the file (offset " +
                        std::to_string(image.payload_offset) + ", length " +
                        std::to_string(image.payload_length) + ")");
    }
    image.compression = detect_compression(magic);
    if (image.compression == Compression::none) {
        image.compression = Compression::other;  // compressed, just not in a way we know
    }
}

// Finds the kernel banner in bytes given in chunks, keeping the tail of each
// chunk so a banner split across two chunks is still found.
class BannerScanner {
public:
    void feed(std::span<const std::byte> chunk) {
        if (m_release.empty()) {
            m_window.insert(m_window.end(), chunk.begin(), chunk.end());
            scan(false);
        }
    }

    // The release, once every chunk has been fed; empty when there is none.
    std::string finish() {
        if (m_release.empty()) {
            scan(true);
        }
        return m_release;
    }

private:
    static constexpr std::size_t k_max_release = 64;

    // Looks for the banner in the window; unless `at_end`, a hit too close
    // to the end of the window to read the release is left for the next chunk.
    void scan(bool at_end) {
        std::size_t from = 0;
        for (;;) {
            const void* found = ::memmem(m_window.data() + from, m_window.size() - from,
                                         k_banner.data(), k_banner.size());
            if (found == nullptr) {
                break;
            }
            auto hit = static_cast<std::size_t>(static_cast<const std::byte*>(found) -
                                                m_window.data());
            std::size_t at = hit + k_banner.size();
            if (!at_end && at + k_max_release > m_window.size()) {
                m_window.erase(m_window.begin(),
                               m_window.begin() + static_cast<std::ptrdiff_t>(hit));
                return;
            }
            // The format string "Linux version %s" has no digit here; the banner does.
            std::string candidate = release_at(m_window, at);
            if (!candidate.empty() && candidate[0] >= '0' && candidate[0] <= '9') {
                m_release = candidate;
                m_window.clear();
                return;
            }
            from = hit + 1;
        }
        std::size_t keep = std::min<std::size_t>(m_window.size(), k_banner.size() + k_max_release);
        m_window.erase(m_window.begin(), m_window.end() - static_cast<std::ptrdiff_t>(keep));
    }

    std::vector<std::byte> m_window;
    std::string m_release;
};

std::string find_banner_release(const std::filesystem::path& path) {
    BannerScanner scanner;
    read_file_chunks(path, [&](std::span<const std::byte> chunk) { scanner.feed(chunk); });
    return scanner.finish();
}

std::string find_banner_release(std::span<const std::byte> bytes) {
    BannerScanner scanner;
    scanner.feed(bytes);
    return scanner.finish();
}

// A gzip stream is an arm64 Image when the first bytes it decompresses to
// are one (its start is plenty to tell); only then is the whole file read
// and decompressed, for the banner.
void inspect_if_gzipped_arm64_image(const ReadOnlyFile& file, KernelImage& image) {
    constexpr std::size_t k_peek = 64 << 10;
    const std::string name = "kernel image " + image.path.string();
    std::vector<std::byte> header;
    try {
        header = decompress(Compression::gzip, file.read_at(0, k_peek), name,
                            k_arm64_header_size, k_arm64_header_size);
    } catch (const BootError&) {
        return;  // not a gzip stream after all: no kernel we know
    }
    if (!is_arm64_image(header)) {
        return;
    }
    image.format = KernelFormat::arm64_image;
    image.compression = Compression::gzip;
    image.arch = arm64_image_arch(header);
    std::vector<std::byte> gzipped = read_file(image.path);
    // gzip's trailer holds the uncompressed size (mod 2^32): the size hint.
    std::size_t size_hint = gzipped.size() >= 4 ? le32(gzipped, gzipped.size() - 4) : 0;
    image.release = find_banner_release(
        decompress(Compression::gzip, gzipped, name, size_hint, k_max_gunzipped_image));
}

std::filesystem::path create_cache_subdir(const std::filesystem::path& cache_dir,
                                          std::string_view name) {
    std::filesystem::path dir = cache_dir / name;
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) {
        throw BootError("cannot create cache directory " + dir.string() + ": " + error.message());
    }
    return dir;
}

}  // namespace

std::string_view to_string(KernelFormat format) {
    switch (format) {
        case KernelFormat::bzimage: return "bzImage";
        case KernelFormat::elf: return "ELF vmlinux";
        case KernelFormat::arm64_image: return "arm64 Image";
        case KernelFormat::unknown: return "unknown";
    }
    return "unknown";
}

KernelImage inspect(const std::filesystem::path& path) {
    KernelImage image;
    image.path = path;
    ReadOnlyFile file(path);
    std::vector<std::byte> header = file.read_at(0, 0x400);
    if (is_bzimage(header)) {
        image.format = KernelFormat::bzimage;
        image.arch = "x86_64";
        inspect_bzimage(file, header, image);
    } else if (is_elf(header)) {
        image.format = KernelFormat::elf;
        image.arch = util::elf_machine_arch(header).value_or("");
        image.release = find_banner_release(path);
    } else if (is_arm64_image(header)) {
        image.format = KernelFormat::arm64_image;
        image.arch = arm64_image_arch(header);
        image.release = find_banner_release(path);
    } else if (detect_compression(header) == Compression::gzip) {
        inspect_if_gzipped_arm64_image(file, image);
    }
    return image;
}

std::optional<std::filesystem::path> extract_pvh_vmlinux(const KernelImage& image,
                                                         const std::filesystem::path& cache_dir) {
    if (image.format == KernelFormat::elf) {
        if (has_pvh_note(image.path)) {
            return image.path;
        }
        return std::nullopt;
    }
    if (image.format != KernelFormat::bzimage || image.compression == Compression::other ||
        image.compression == Compression::none) {
        return std::nullopt;
    }

    std::vector<std::byte> bzimage = read_file(image.path);
    std::filesystem::path dir = create_cache_subdir(cache_dir, "vmlinux");
    std::string key = hash_bytes(bzimage);
    std::filesystem::path cached = dir / (key + ".elf");
    // Remembers that this kernel has no PVH note, so the next run does not
    // decompress 60 MB again just to find that out.
    std::filesystem::path no_pvh_marker = dir / (key + ".no-pvh");
    if (std::filesystem::exists(cached)) {
        spdlog::debug("using cached PVH vmlinux {} for {}", cached.string(), image.path.string());
        return cached;
    }
    if (std::filesystem::exists(no_pvh_marker)) {
        return std::nullopt;
    }

    if (image.payload_offset + image.payload_length > bzimage.size()) {
        throw BootError("bzImage " + image.path.string() + " is truncated: payload ends at " +
                        std::to_string(image.payload_offset + image.payload_length) +
                        " but the file has " + std::to_string(bzimage.size()) + " bytes");
    }
    auto payload = std::span(bzimage).subspan(image.payload_offset, image.payload_length);
    std::size_t size_hint = le32(payload, payload.size() - 4);
    std::vector<std::byte> vmlinux =
        decompress(image.compression, payload, "the payload of " + image.path.string(), size_hint);
    if (!is_elf(vmlinux) || !has_pvh_note(vmlinux)) {
        spdlog::debug("{}: decompressed kernel is not an ELF with a PVH note", image.path.string());
        write_file_atomic(no_pvh_marker, std::span<const std::byte>{});
        return std::nullopt;
    }
    write_file_atomic(cached, vmlinux);
    spdlog::debug("extracted PVH vmlinux {} from {}", cached.string(), image.path.string());
    return cached;
}

}  // namespace vmtest::boot
