#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vmtest::boot {

// Builds a "newc" cpio archive in memory, the format the kernel unpacks as
// initramfs. Output is deterministic (mtime 0, uid/gid 0, inode numbers
// counting up from 1 in the order entries are added), so equal inputs give
// byte-identical archives that can be cached by content. Paths are archive
// paths; a leading '/' is dropped, as the kernel expects. Parents must be
// added before their children.
class CpioWriter {
public:
    void add_directory(std::string_view path, std::uint32_t mode = 0755);
    void add_file(std::string_view path, std::span<const std::byte> contents,
                  std::uint32_t mode = 0644);
    void add_file(std::string_view path, std::string_view contents, std::uint32_t mode = 0644);
    // Throws BootError naming `host_path` if it cannot be read.
    void add_host_file(std::string_view path, const std::filesystem::path& host_path,
                       std::uint32_t mode = 0644);
    void add_symlink(std::string_view path, std::string_view target);
    void add_char_device(std::string_view path, std::uint32_t major, std::uint32_t minor,
                         std::uint32_t mode = 0600);

    // Appends the TRAILER!!! entry and returns the archive; the writer is
    // empty afterwards and may be reused.
    [[nodiscard]] std::vector<std::byte> finish();

private:
    struct Entry {
        std::string_view name;
        std::uint32_t mode = 0;  // file type bits | permissions
        std::uint32_t nlink = 1;
        std::uint32_t rdev_major = 0;
        std::uint32_t rdev_minor = 0;
        std::uint32_t ino = 0;
        std::span<const std::byte> data;
    };

    void append(const Entry& entry);
    void pad_to_4();

    std::vector<std::byte> m_archive;
    std::uint32_t m_next_ino = 1;
};

}  // namespace vmtest::boot
