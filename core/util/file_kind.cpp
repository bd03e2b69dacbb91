#include "util/file_kind.hpp"

#include <system_error>

namespace vmtest::util {

std::string describe_file_kind(const std::filesystem::file_status& status) {
    using std::filesystem::file_type;
    switch (status.type()) {
    case file_type::regular:
        return "a regular file";
    case file_type::directory:
        return "a directory";
    case file_type::character:
        return "a character device";
    case file_type::block:
        return "a block device";
    case file_type::fifo:
        return "a FIFO (named pipe)";
    case file_type::socket:
        return "a socket";
    case file_type::symlink:
        return "a symbolic link";
    case file_type::not_found:
        return "nothing";
    case file_type::none:
    case file_type::unknown:
        break;
    }
    return "of an unknown kind";
}

std::string describe_file_kind(const std::filesystem::path& path) {
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (error && status.type() != std::filesystem::file_type::not_found) {
        return "unreadable (" + error.message() + ")";
    }
    return describe_file_kind(status);
}

std::string describe_unexpected_kind(const std::filesystem::path& path,
                                     const std::string& expected) {
    const std::string kind = describe_file_kind(path);
    return kind == "nothing" ? "does not exist" : "is " + kind + ", not " + expected;
}

}  // namespace vmtest::util
