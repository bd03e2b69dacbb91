// Says what a path is, for messages that refuse it: "is a directory" tells
// the user more than "does not exist" or "cannot read".
#pragma once

#include <filesystem>
#include <string>

namespace vmtest::util {

// "a regular file", "a directory", "a character device", "a block device",
// "a FIFO (named pipe)", "a socket", "a symbolic link", or "nothing" for a
// path that does not exist. For a status from status() (symlinks followed)
// or symlink_status().
std::string describe_file_kind(const std::filesystem::file_status& status);

// The same for `path`, following symlinks; errors other than "not found"
// (e.g. a permission denied on a parent) are described as "unreadable".
std::string describe_file_kind(const std::filesystem::path& path);

// For a path that is not what was expected: "does not exist", or e.g.
// "is a directory, not a kernel image file" for expected = "a kernel image file".
std::string describe_unexpected_kind(const std::filesystem::path& path,
                                     const std::string& expected);

}  // namespace vmtest::util
