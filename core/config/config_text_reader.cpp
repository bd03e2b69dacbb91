#include "config/config_text_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config/config_error.hpp"
#include "util/file_descriptor.hpp"
#include "util/file_kind.hpp"

namespace vmtest::config {
namespace {

using util::FileDescriptor;

[[noreturn]] void fail(const std::filesystem::path& file, std::string message) {
    throw ConfigError(ConfigError::Details{file.string(), std::nullopt, "", std::nullopt, "",
                                           std::move(message)});
}

[[noreturn]] void fail_errno(const std::filesystem::path& file, int error) {
    fail(file, std::string("cannot read: ") + std::strerror(error));
}

[[noreturn]] void fail_not_regular(const std::filesystem::path& file, mode_t mode) {
    namespace fs = std::filesystem;
    const fs::file_type type = S_ISDIR(mode)    ? fs::file_type::directory
                               : S_ISCHR(mode)  ? fs::file_type::character
                               : S_ISBLK(mode)  ? fs::file_type::block
                               : S_ISFIFO(mode) ? fs::file_type::fifo
                               : S_ISSOCK(mode) ? fs::file_type::socket
                                                : fs::file_type::unknown;
    fail(file, "is " + util::describe_file_kind(fs::file_status(type)) + ", not a regular file");
}

}  // namespace

void fail_config_too_large(const std::string& file) {
    fail(file, "is larger than " + std::to_string(k_max_config_bytes / (1024 * 1024)) +
                   " MiB, the most vmtest reads of a config file");
}

std::string read_config_text(const std::filesystem::path& file) {
    // stat() before open(): opening a FIFO blocks until a writer comes, and
    // opening some devices has side effects.
    struct stat info {};
    if (::stat(file.c_str(), &info) != 0) {
        fail_errno(file, errno);
    }
    if (!S_ISREG(info.st_mode)) {
        fail_not_regular(file, info.st_mode);
    }
    if (static_cast<std::size_t>(info.st_size) > k_max_config_bytes) {
        fail_config_too_large(file.string());
    }
    // O_NONBLOCK: should the path have been swapped for a FIFO since stat(),
    // open() still returns at once, and fstat() below refuses it.
    const FileDescriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (fd.get() < 0) {
        fail_errno(file, errno);
    }
    if (::fstat(fd.get(), &info) != 0) {
        fail_errno(file, errno);
    }
    if (!S_ISREG(info.st_mode)) {
        fail_not_regular(file, info.st_mode);
    }
    // Bounded whatever st_size said: files under /proc report 0 and a file
    // may grow while it is read.
    std::string text;
    char buffer[65536];
    for (;;) {
        const ssize_t count = ::read(fd.get(), buffer, sizeof buffer);
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count < 0) {
            fail_errno(file, errno);
        }
        if (count == 0) {
            return text;
        }
        text.append(buffer, static_cast<std::size_t>(count));
        if (text.size() > k_max_config_bytes) {
            fail_config_too_large(file.string());
        }
    }
}

}  // namespace vmtest::config
