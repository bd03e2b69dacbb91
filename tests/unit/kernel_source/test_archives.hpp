// Archives for the tests, written and read with libarchive directly (not
// with the code under test): tarballs, .deb packages built as dpkg-deb
// lays them out, and unpacking a .deb's files into a directory.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace vmtest::test {

struct ArchiveEntry {
    enum class Type { file, directory, symlink };
    std::string name;    // as stored: "./boot/vmlinuz-6.99"
    std::string content; // a file's bytes, or a symlink's target
    Type type = Type::file;
};

// A tar archive (pax) of `entries`, compressed with `filter`: "none",
// "gzip", "xz" or "zstd".
std::string make_tarball(const std::vector<ArchiveEntry>& entries, const std::string& filter);

// A .deb: an ar archive of debian-binary, control.tar.xz and
// data.tar.<compression> (xz or zstd, as Debian and Ubuntu build them)
// holding `entries`.
std::string make_deb(const std::vector<ArchiveEntry>& entries,
                     const std::string& compression = "xz");

void write_binary(const std::filesystem::path& path, const std::string& bytes);

// Unpacks the data.tar member of the .deb at `deb` into `destination`.
// Fails the running test on error.
void unpack_deb(const std::filesystem::path& deb, const std::filesystem::path& destination);

} // namespace vmtest::test
