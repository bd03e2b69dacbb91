#include "boot/file_io.hpp"

#include "boot/boot_error.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file_descriptor.hpp"

namespace vmtest::boot {

namespace {

using util::FileDescriptor;

std::string errno_text(int error) { return std::strerror(error); }

FileDescriptor open_for_reading(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw BootError("cannot open " + path.string() + ": " + errno_text(errno));
    }
    return FileDescriptor(fd);
}

std::size_t read_some(int fd, std::byte* buffer, std::size_t size, const std::filesystem::path& path) {
    for (;;) {
        ssize_t n = ::read(fd, buffer, size);
        if (n >= 0) {
            return static_cast<std::size_t>(n);
        }
        if (errno != EINTR) {
            throw BootError("cannot read " + path.string() + ": " + errno_text(errno));
        }
    }
}

void write_all(int fd, std::span<const std::byte> bytes, const std::filesystem::path& path) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw BootError("cannot write " + path.string() + ": " + errno_text(errno));
        }
        bytes = bytes.subspan(static_cast<std::size_t>(n));
    }
}

std::string random_suffix() {
    std::random_device device;
    std::uniform_int_distribution<unsigned> digit(0, 15);
    std::string suffix;
    for (int i = 0; i < 8; ++i) {
        suffix += "0123456789abcdef"[digit(device)];
    }
    return suffix;
}

}  // namespace

std::vector<std::byte> read_file(const std::filesystem::path& path) {
    FileDescriptor fd = open_for_reading(path);
    struct stat info {};
    std::vector<std::byte> bytes;
    if (::fstat(fd.get(), &info) == 0 && info.st_size > 0) {
        bytes.reserve(static_cast<std::size_t>(info.st_size));
    }
    constexpr std::size_t k_chunk = 1 << 20;
    for (;;) {
        std::size_t old_size = bytes.size();
        bytes.resize(old_size + k_chunk);
        std::size_t n = read_some(fd.get(), bytes.data() + old_size, k_chunk, path);
        bytes.resize(old_size + n);
        if (n == 0) {
            return bytes;
        }
    }
}

void read_file_chunks(const std::filesystem::path& path,
                      const std::function<void(std::span<const std::byte>)>& sink) {
    FileDescriptor fd = open_for_reading(path);
    std::vector<std::byte> buffer(1 << 20);
    for (;;) {
        std::size_t n = read_some(fd.get(), buffer.data(), buffer.size(), path);
        if (n == 0) {
            return;
        }
        sink(std::span(buffer.data(), n));
    }
}

void write_file_atomic(const std::filesystem::path& path,
                       std::span<const std::span<const std::byte>> parts) {
    std::filesystem::path temp = path;
    temp += ".tmp." + std::to_string(::getpid()) + "." + random_suffix();
    FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (fd.get() < 0) {
        throw BootError("cannot create " + temp.string() + ": " + errno_text(errno));
    }
    try {
        for (auto part : parts) {
            write_all(fd.get(), part, temp);
        }
        if (::close(fd.release()) != 0) {
            throw BootError("cannot write " + temp.string() + ": " + errno_text(errno));
        }
        if (::rename(temp.c_str(), path.c_str()) != 0) {
            throw BootError("cannot rename " + temp.string() + " to " + path.string() + ": " +
                            errno_text(errno));
        }
    } catch (...) {
        ::unlink(temp.c_str());
        throw;
    }
}

void write_file_atomic(const std::filesystem::path& path, std::span<const std::byte> bytes) {
    std::span<const std::byte> parts[] = {bytes};
    write_file_atomic(path, parts);
}

}  // namespace vmtest::boot
