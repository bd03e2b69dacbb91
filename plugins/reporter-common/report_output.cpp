#include "report_output.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace vmtest::report {

namespace {

namespace fs = std::filesystem;

// As many links as the kernel follows before it gives up with ELOOP.
constexpr int k_max_links = 40;

[[noreturn]] void fail(const fs::path& file, const std::string& what, int error) {
    throw std::runtime_error("cannot write " + file.string() + ": " + what + ": " +
                             std::strerror(error));
}

[[noreturn]] void refuse(const fs::path& file, const std::string& why) {
    throw std::runtime_error("cannot write the report to " + file.string() + ": " + why);
}

void write_all(int fd, const std::string& content, const fs::path& file) {
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            fail(file, "write", n < 0 ? errno : EIO);
        }
        done += static_cast<std::size_t>(n);
    }
}

// mkstemp() creates 0600; a new report is as readable as any file the user
// creates. The umask comes from /proc: umask() itself would change it, and
// other threads may be creating files meanwhile.
mode_t new_file_mode() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("Umask:", 0) == 0) {
            return 0666 & ~static_cast<mode_t>(std::stoul(line.substr(6), nullptr, 8));
        }
    }
    return 0644;
}

fs::path directory_of(const fs::path& file) {
    return file.has_parent_path() ? file.parent_path() : fs::path(".");
}

// The name a file would be created at through `path`: `path` itself, or,
// when it is a link to nothing (yet), the end of its chain of links.
fs::path free_name_behind_links(const fs::path& path) {
    fs::path current = path;
    for (int links = 0; links < k_max_links; ++links) {
        struct stat status {};
        if (::lstat(current.c_str(), &status) != 0 || !S_ISLNK(status.st_mode)) {
            return current;
        }
        const fs::path target = fs::read_symlink(current);
        current = target.is_absolute() ? target : directory_of(current) / target;
    }
    fail(path, "following links", ELOOP);
}

// Creates and removes a file where the report will be written aside: the
// one check that holds for root, read-only mounts and /proc alike, where
// access() says yes and the write at the end would fail.
void try_creating_a_file_in(const fs::path& directory, const fs::path& report) {
    std::string probe = (directory / ("." + report.filename().string() + ".XXXXXX")).string();
    const int fd = mkstemp(probe.data());
    if (fd < 0) {
        fail(report, "creating a file in " + directory.string(), errno);
    }
    ::close(fd);
    ::unlink(probe.c_str());
}

// A device or FIFO: opened without O_CREAT, so a node that went away is not
// replaced by a regular file, and written whole. Opening a FIFO waits for
// its reader, as a shell's redirection does.
void write_to_stream(const fs::path& node, const std::string& content) {
    const int fd = ::open(node.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        fail(node, "open", errno);
    }
    try {
        write_all(fd, content, node);
    } catch (...) {
        ::close(fd);
        throw;
    }
    if (::close(fd) != 0) {
        fail(node, "close", errno);
    }
}

}  // namespace

ReportPath resolve_report_path(const fs::path& path) {
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) {
        if (errno != ENOENT) {
            fail(path, "stat", errno);
        }
        return {free_name_behind_links(path), ReportPath::Kind::file};
    }
    if (S_ISREG(status.st_mode)) {
        std::error_code error;
        fs::path real = fs::canonical(path, error);
        if (error) {
            fail(path, "resolving links", error.value());
        }
        return {real, ReportPath::Kind::file};
    }
    if (S_ISCHR(status.st_mode) || S_ISFIFO(status.st_mode)) {
        return {path, ReportPath::Kind::stream};
    }
    if (S_ISDIR(status.st_mode)) {
        refuse(path, "it is a directory");
    }
    if (S_ISBLK(status.st_mode)) {
        refuse(path, "it is a block device, and a report would overwrite what it holds");
    }
    refuse(path, S_ISSOCK(status.st_mode) ? "it is a socket" : "it is not a file");
}

void write_file_atomically(const fs::path& file, const std::string& content) {
    const ReportPath target = resolve_report_path(file);
    if (target.kind != ReportPath::Kind::file) {
        refuse(file, "it is not a regular file, and replacing it would destroy it");
    }
    struct stat existing {};
    const mode_t mode = ::stat(target.path.c_str(), &existing) == 0 ? existing.st_mode & 07777
                                                                     : new_file_mode();
    const fs::path directory = directory_of(target.path);
    std::error_code error;
    fs::create_directories(directory, error);
    std::string temp =
        (directory / ("." + target.path.filename().string() + ".XXXXXX")).string();
    const int fd = mkstemp(temp.data());
    if (fd < 0) {
        fail(file, "creating a temporary file in " + directory.string(), errno);
    }
    bool open = true;
    try {
        write_all(fd, content, file);
        if (fchmod(fd, mode) != 0) {
            fail(file, "chmod", errno);
        }
        if (fsync(fd) != 0) {
            fail(file, "fsync", errno);
        }
        open = false;
        if (::close(fd) != 0) {
            fail(file, "close", errno);
        }
    } catch (...) {
        if (open) {
            ::close(fd);
        }
        ::unlink(temp.c_str());
        throw;
    }
    if (::rename(temp.c_str(), target.path.c_str()) != 0) {
        const int saved = errno;
        ::unlink(temp.c_str());
        fail(file, "rename", saved);
    }
    // The rename itself reaches the disk with the directory.
    const int dir_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd >= 0) {
        ::fsync(dir_fd);
        ::close(dir_fd);
    }
}

ReportOutput::ReportOutput(const nlohmann::json& config) {
    const auto it = config.find("path");
    if (it == config.end()) {
        return;
    }
    if (!it->is_string() || it->get<std::string>().empty()) {
        throw std::runtime_error("the reporter's \"path\" must be a file name");
    }
    m_path = fs::path(it->get<std::string>());
    const ReportPath target = resolve_report_path(*m_path);
    if (target.kind == ReportPath::Kind::stream) {
        // Opening a device or FIFO now could have effects (a FIFO's reader
        // would see the end of its input); permissions are what can be
        // checked without.
        if (::access(m_path->c_str(), W_OK) != 0) {
            fail(*m_path, "open", errno);
        }
        return;
    }
    // The report's directory is made now, so that a path that cannot be
    // written fails before the run rather than after it.
    const fs::path directory = directory_of(target.path);
    std::error_code error;
    fs::create_directories(directory, error);
    if (error) {
        fail(*m_path, "creating directory " + directory.string(), error.value());
    }
    try_creating_a_file_in(directory, target.path);
}

std::string ReportOutput::describe() const { return m_path ? m_path->string() : "stdout"; }

void ReportOutput::update(const std::string& content) const {
    if (m_path && resolve_report_path(*m_path).kind == ReportPath::Kind::file) {
        write_file_atomically(*m_path, content);
    }
}

void ReportOutput::write(const std::string& content) const {
    if (!m_path) {
        write_all(STDOUT_FILENO, content, "stdout");
    } else if (resolve_report_path(*m_path).kind == ReportPath::Kind::file) {
        write_file_atomically(*m_path, content);
    } else {
        write_to_stream(*m_path, content);
    }
}

}  // namespace vmtest::report
