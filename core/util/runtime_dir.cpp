#include "util/runtime_dir.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <string>
#include <sys/file.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include "util/paths.hpp"

namespace vmtest::util {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_prefix = "vmtest.";
constexpr std::string_view k_template_suffix = "XXXXXX";
constexpr const char* k_lock_name = "run.lock";

bool is_runtime_dir_name(const std::string& name) {
    return name.size() == k_prefix.size() + k_template_suffix.size() &&
           name.compare(0, k_prefix.size(), k_prefix) == 0;
}

// A real directory (not a link to one) of this user.
bool is_own_directory(const fs::path& dir) {
    struct stat status {};
    return ::lstat(dir.c_str(), &status) == 0 && S_ISDIR(status.st_mode) &&
           status.st_uid == ::geteuid();
}

// The lock appears under its final name already held: it is taken on a
// temporary name, then renamed, so another run never finds it free while
// this one sets up.
int create_held_lock(const fs::path& dir) {
    const fs::path temp = dir / (std::string(k_lock_name) + ".new");
    const int fd = ::open(temp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        return -1;
    }
    if (::flock(fd, LOCK_EX) != 0 || ::rename(temp.c_str(), (dir / k_lock_name).c_str()) != 0) {
        const int saved = errno;
        ::close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

}  // namespace

fs::path RuntimeDir::runtime_base() {
    for (const char* name : {"XDG_RUNTIME_DIR", "TMPDIR"}) {
        if (auto dir = absolute_path_from(name);
            dir && fs::is_directory(*dir) && ::access(dir->c_str(), W_OK | X_OK) == 0) {
            return *dir;
        }
    }
    return "/tmp";
}

int remove_stale_runtime_dirs(const fs::path& base) {
    int removed = 0;
    std::error_code error;
    for (fs::directory_iterator it(base, error), end; !error && it != end; it.increment(error)) {
        const fs::path dir = it->path();
        if (!is_runtime_dir_name(dir.filename().string()) || !is_own_directory(dir)) {
            continue;
        }
        const int fd = ::open((dir / k_lock_name).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            continue;
        }
        // Held while removing, so two runs cleaning up at once do not race.
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
            std::error_code ignored;
            fs::remove_all(dir, ignored);
            removed += !ignored;
        }
        ::close(fd);
    }
    return removed;
}

RuntimeDir::RuntimeDir(const fs::path& base) {
    remove_stale_runtime_dirs(base);
    const std::string name = std::string(k_prefix) + std::string(k_template_suffix);
    std::string pattern = (base / name).string();
    // mkdtemp creates the directory with mode 0700.
    if (!mkdtemp(pattern.data())) {
        throw std::runtime_error("cannot create a runtime directory " + pattern + ": " +
                                 std::strerror(errno));
    }
    m_path = pattern;
    m_lock_fd = create_held_lock(m_path);
    if (m_lock_fd < 0) {
        const int saved = errno;
        std::error_code ignored;
        fs::remove_all(m_path, ignored);
        throw std::runtime_error("cannot lock the runtime directory " + m_path.string() + ": " +
                                 std::strerror(saved));
    }
}

RuntimeDir::~RuntimeDir() {
    std::error_code ignored;
    fs::remove_all(m_path, ignored);
    ::close(m_lock_fd);
}

}  // namespace vmtest::util
