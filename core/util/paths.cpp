#include "util/paths.hpp"

#include <algorithm>
#include <cstdlib>
#include <pwd.h>
#include <unistd.h>

namespace vmtest::util {

namespace {

std::filesystem::path home_dir() {
    if (const char* home = std::getenv("HOME"); home && *home) {
        return home;
    }
    if (const passwd* entry = getpwuid(getuid()); entry && entry->pw_dir) {
        return entry->pw_dir;
    }
    return "/tmp";
}

std::filesystem::path from_env_or(const char* variable, const std::filesystem::path& fallback) {
    const char* value = std::getenv(variable);
    return value && *value ? std::filesystem::path(value) : fallback;
}

std::filesystem::path created(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace

std::filesystem::path cache_dir() {
    if (const char* dir = std::getenv("VMTEST_CACHE_DIR"); dir && *dir) {
        return created(dir);
    }
    return created(from_env_or("XDG_CACHE_HOME", home_dir() / ".cache") / "vmtest");
}

std::filesystem::path state_dir() {
    return created(from_env_or("XDG_STATE_HOME", home_dir() / ".local" / "state") / "vmtest");
}

std::filesystem::path executable_dir() {
    return std::filesystem::read_symlink("/proc/self/exe").parent_path();
}

std::optional<std::filesystem::path> find_program(const std::string& program) {
    if (program.find('/') != std::string::npos) {
        return access(program.c_str(), X_OK) == 0 ? std::optional<std::filesystem::path>(program)
                                                   : std::nullopt;
    }
    const char* path = std::getenv("PATH");
    const std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    for (std::size_t start = 0; start <= dirs.size();) {
        const std::size_t end = std::min(dirs.find(':', start), dirs.size());
        const std::filesystem::path candidate =
            std::filesystem::path(dirs.substr(start, end - start)) / program;
        if (access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
        start = end + 1;
    }
    return std::nullopt;
}

}  // namespace vmtest::util
