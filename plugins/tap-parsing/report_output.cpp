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

[[noreturn]] void fail(const fs::path& file, const std::string& what, int error) {
    throw std::runtime_error("cannot write " + file.string() + ": " + what + ": " +
                             std::strerror(error));
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

// mkstemp() creates 0600; a report is as readable as any file the user
// creates. The umask comes from /proc: umask() itself would change it, and
// other threads may be creating files meanwhile.
mode_t report_mode() {
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

}  // namespace

void write_file_atomically(const fs::path& file, const std::string& content) {
    const fs::path directory = directory_of(file);
    std::error_code error;
    fs::create_directories(directory, error);
    std::string temp = (directory / ("." + file.filename().string() + ".XXXXXX")).string();
    const int fd = mkstemp(temp.data());
    if (fd < 0) {
        fail(file, "creating a temporary file in " + directory.string(), errno);
    }
    bool open = true;
    try {
        write_all(fd, content, file);
        if (fchmod(fd, report_mode()) != 0) {
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
    if (::rename(temp.c_str(), file.c_str()) != 0) {
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
    m_file = fs::path(it->get<std::string>());
    if (fs::is_directory(*m_file)) {
        throw std::runtime_error("cannot write the report to " + m_file->string() +
                                 ": it is a directory");
    }
    // The report's directory is made now, so that a path that cannot be
    // written fails before the run rather than after it.
    const fs::path directory = directory_of(*m_file);
    std::error_code error;
    fs::create_directories(directory, error);
    if (error) {
        fail(*m_file, "creating directory " + directory.string(), error.value());
    }
    if (::access(directory.c_str(), W_OK | X_OK) != 0) {
        fail(*m_file, "directory " + directory.string(), errno);
    }
}

std::string ReportOutput::describe() const { return m_file ? m_file->string() : "stdout"; }

void ReportOutput::write(const std::string& content) const {
    if (m_file) {
        write_file_atomically(*m_file, content);
    } else {
        write_all(STDOUT_FILENO, content, "stdout");
    }
}

}  // namespace vmtest::report
