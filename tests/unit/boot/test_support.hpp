#pragma once

// Helpers shared by the boot tests: the tests' temporary directory, a newc
// cpio reader (to check archives without trusting the writer), compressors
// and a minimal ELF file with or without a PVH note.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../../support/temp_dir.hpp"

namespace vmtest::boot::test {

// The tests' one temporary directory (tests/support/temp_dir.hpp).
using TempDir = test_support::TempDir;

struct CpioEntry {
    std::string name;
    std::uint32_t ino = 0;
    std::uint32_t mode = 0;
    std::uint32_t nlink = 0;
    std::uint32_t mtime = 0;
    std::uint32_t rdev_major = 0;
    std::uint32_t rdev_minor = 0;
    std::string data;
};

// Parses one or more concatenated newc archives; trailers are included as
// entries. Fails the current test (and returns what it has) on bad input.
std::vector<CpioEntry> parse_cpio(std::span<const std::byte> archive);
const CpioEntry* find_entry(const std::vector<CpioEntry>& entries, std::string_view name);

std::vector<std::byte> to_bytes(std::string_view text);
std::string to_string(std::span<const std::byte> bytes);
void write_bytes(const std::filesystem::path& path, std::span<const std::byte> bytes);
void write_text(const std::filesystem::path& path, std::string_view text);
std::string read_text(const std::filesystem::path& path);

std::vector<std::byte> compress_xz(std::span<const std::byte> input);
std::vector<std::byte> compress_gzip(std::span<const std::byte> input);
std::vector<std::byte> compress_zstd(std::span<const std::byte> input);

// The host's newest installed kernel, /boot/vmlinuz-<release> (newest by
// version order), and the release its file name gives. Tests discover the
// kernel this way: Debian's release moves, so no test names one.
struct InstalledKernel {
    std::filesystem::path image;
    std::string release;
};
std::optional<InstalledKernel> newest_installed_kernel();

// A small ELF64 file with one PT_NOTE segment holding a "GNU" note and,
// if `with_pvh_note`, a "Xen" note of type 18. `filler` is appended as data.
std::vector<std::byte> make_elf(bool with_pvh_note, std::string_view filler = {});

// A minimal relocatable ELF64 object, as a kernel module is, whose
// .modinfo section holds `modinfo` ("depends=a,b", "name=x", ...).
std::vector<std::byte> make_kernel_module(const std::vector<std::string>& modinfo);

// A fake bzImage: boot sector + `setup_sects` setup sectors (with a
// kernel_version string) followed by protected-mode code holding `payload`
// plus the 4-byte uncompressed size, the way the kernel build lays it out.
std::vector<std::byte> make_bzimage(std::string_view version_string,
                                    std::span<const std::byte> payload,
                                    std::uint32_t uncompressed_size, unsigned setup_sects = 4);

// A fake arm64 Image: the 64-byte boot header (code0 "MZ" as an EFI-stub
// kernel has, `flags` at 0x18, the magic "ARM\x64" at 0x38), then `filler`
// bytes of "code" (pseudo-random: it compresses as little as real code, so a
// gzipped image is larger than what inspect() peeks at), then the banner "Linux version <version_string>\n"
// as the kernel's read-only data holds it, then 4 KiB of zeros.
std::vector<std::byte> make_arm64_image(std::string_view version_string, std::size_t filler = 0,
                                        std::uint64_t flags = 0x0a);

}  // namespace vmtest::boot::test
