// The newc cpio format, briefly. An archive is a sequence of entries, each a
// 110-byte ASCII header, the entry's path, and its data. The header is the
// magic "070701" followed by thirteen 8-digit uppercase hex fields: inode,
// mode (file type and permissions, as in st_mode), uid, gid, link count,
// mtime, data size, device major/minor (of the filesystem the file came
// from), rdev major/minor (for device nodes), path length including its NUL,
// and a checksum (always 0 for newc). The NUL-terminated path follows, padded
// with NULs so header + path is a multiple of 4 bytes; then the data (a
// file's contents or a symlink's target, no NUL), padded to 4 bytes too. An
// entry named "TRAILER!!!" ends the archive. The kernel unpacks archives that
// are simply concatenated, which vmtest uses to add a small per-run archive
// after a cached base one. Regular files with a link count of 2 or more are
// treated as hard links by the kernel, so files here always have 1.

#include "boot/cpio_writer.hpp"

#include "boot/boot_error.hpp"
#include "boot/file_io.hpp"

#include <array>
#include <cstdio>
#include <sys/stat.h>

namespace vmtest::boot {

namespace {

constexpr std::string_view k_magic = "070701";
constexpr std::string_view k_trailer = "TRAILER!!!";
constexpr std::size_t k_max_entry_size = 0xffffffffU;

std::string_view archive_name(std::string_view path) {
    while (!path.empty() && path.front() == '/') {
        path.remove_prefix(1);
    }
    return path.empty() ? std::string_view(".") : path;
}

}  // namespace

void CpioWriter::add_directory(std::string_view path, std::uint32_t mode) {
    append({archive_name(path), S_IFDIR | (mode & 07777), 2, 0, 0, m_next_ino++, {}});
}

void CpioWriter::add_file(std::string_view path, std::span<const std::byte> contents,
                          std::uint32_t mode) {
    if (contents.size() > k_max_entry_size) {
        throw BootError("cannot put " + std::string(path) +
                        " into a cpio archive: newc entries are limited to 4 GiB");
    }
    append({archive_name(path), S_IFREG | (mode & 07777), 1, 0, 0, m_next_ino++, contents});
}

void CpioWriter::add_file(std::string_view path, std::string_view contents, std::uint32_t mode) {
    add_file(path, std::as_bytes(std::span(contents.data(), contents.size())), mode);
}

void CpioWriter::add_host_file(std::string_view path, const std::filesystem::path& host_path,
                               std::uint32_t mode) {
    std::vector<std::byte> contents = read_file(host_path);
    add_file(path, contents, mode);
}

void CpioWriter::add_symlink(std::string_view path, std::string_view target) {
    append({archive_name(path), S_IFLNK | 0777, 1, 0, 0, m_next_ino++,
            std::as_bytes(std::span(target.data(), target.size()))});
}

void CpioWriter::add_char_device(std::string_view path, std::uint32_t major, std::uint32_t minor,
                                 std::uint32_t mode) {
    append({archive_name(path), S_IFCHR | (mode & 07777), 1, major, minor, m_next_ino++, {}});
}

std::vector<std::byte> CpioWriter::finish() {
    append({k_trailer, 0, 1, 0, 0, 0, {}});
    std::vector<std::byte> archive = std::move(m_archive);
    m_archive.clear();
    m_next_ino = 1;
    return archive;
}

void CpioWriter::append(const Entry& entry) {
    std::array<char, 111> header{};  // 110 characters + the NUL snprintf writes
    std::snprintf(header.data(), header.size(),
                  "%.6s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", k_magic.data(),
                  entry.ino, entry.mode, 0U /* uid */, 0U /* gid */, entry.nlink, 0U /* mtime */,
                  static_cast<unsigned>(entry.data.size()), 0U /* dev major */,
                  0U /* dev minor */, entry.rdev_major, entry.rdev_minor,
                  static_cast<unsigned>(entry.name.size() + 1), 0U /* check */);
    auto header_bytes = std::as_bytes(std::span(header.data(), 110));
    m_archive.insert(m_archive.end(), header_bytes.begin(), header_bytes.end());
    auto name_bytes = std::as_bytes(std::span(entry.name.data(), entry.name.size()));
    m_archive.insert(m_archive.end(), name_bytes.begin(), name_bytes.end());
    m_archive.push_back(std::byte{0});
    pad_to_4();
    m_archive.insert(m_archive.end(), entry.data.begin(), entry.data.end());
    pad_to_4();
}

void CpioWriter::pad_to_4() {
    while (m_archive.size() % 4 != 0) {
        m_archive.push_back(std::byte{0});
    }
}

}  // namespace vmtest::boot
