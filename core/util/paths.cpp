#include "util/paths.hpp"

#include <cstdlib>
#include <pwd.h>
#include <stdexcept>
#include <unistd.h>

namespace vmtest::util {

namespace {

namespace fs = std::filesystem;

// $HOME when it is an absolute path, else the password database's entry.
OwnDirectory home_dir() {
    if (auto home = absolute_path_from("HOME")) {
        return {*home, "$HOME"};
    }
    if (const passwd* entry = getpwuid(getuid()); entry && entry->pw_dir && *entry->pw_dir) {
        return {entry->pw_dir, "the password database"};
    }
    return {"/tmp", "the lack of a home directory"};
}

OwnDirectory under_xdg_or_home(const char* variable, const fs::path& below_home) {
    if (auto base = absolute_path_from(variable)) {
        return {*base / "vmtest", std::string("$") + variable};
    }
    const OwnDirectory home = home_dir();
    return {home.path / below_home / "vmtest", home.chosen_by};
}

// Why `dir` cannot be created, in words a user can act on: the part of the
// path that is in the way when there is one, else the system's reason.
std::string why_not_created(const fs::path& dir, const std::error_code& error) {
    for (fs::path existing = dir; !existing.empty(); existing = existing.parent_path()) {
        std::error_code ignored;
        const auto status = fs::status(existing, ignored);
        if (fs::exists(status)) {
            if (!fs::is_directory(status)) {
                return existing.string() + " is not a directory";
            }
            break;
        }
        if (existing == existing.parent_path()) {
            break;
        }
    }
    return error.message();
}

}  // namespace

std::optional<fs::path> absolute_path_from(const char* variable) {
    const char* value = std::getenv(variable);
    if (!value || !*value || !fs::path(value).is_absolute()) {
        return std::nullopt;
    }
    return fs::path(value);
}

OwnDirectory cache_location() {
    if (const char* dir = std::getenv("VMTEST_CACHE_DIR"); dir && *dir) {
        return {fs::absolute(dir), "$VMTEST_CACHE_DIR"};
    }
    return under_xdg_or_home("XDG_CACHE_HOME", ".cache");
}

OwnDirectory state_location() { return under_xdg_or_home("XDG_STATE_HOME", ".local/state"); }

fs::path create_own_directory(const OwnDirectory& dir, const std::string& purpose) {
    std::error_code error;
    fs::create_directories(dir.path, error);
    if (error || !fs::is_directory(dir.path)) {
        throw std::runtime_error("cannot create the " + purpose + " " + dir.path.string() +
                                 " (chosen by " + dir.chosen_by +
                                 "): " + why_not_created(dir.path, error));
    }
    return dir.path;
}

fs::path cache_dir() { return create_own_directory(cache_location(), "cache directory"); }

fs::path state_dir() { return create_own_directory(state_location(), "state directory"); }

std::filesystem::path executable_dir() {
    return std::filesystem::read_symlink("/proc/self/exe").parent_path();
}

}  // namespace vmtest::util
