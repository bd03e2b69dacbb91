#include "run/project_share.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace vmtest::run {

namespace {

namespace fs = std::filesystem;

// System directories with everything under them.
constexpr std::array k_system_trees = {
    "/proc", "/sys",     "/dev",       "/run",       "/etc",      "/boot",
    "/bin",  "/sbin",    "/lib",       "/lib32",     "/lib64",    "/libx32",
    "/usr",  "/var/log", "/var/cache", "/var/spool", "/var/mail", "/var/backups"};

// Parts of those trees where projects live.
constexpr std::array k_project_trees = {"/usr/src", "/usr/local/src"};

// Directories that are system directories themselves while what is under
// them is a project (or a home, which holds projects).
constexpr std::array k_system_parents = {"/",    "/var", "/var/lib", "/home",
                                         "/opt", "/srv", "/usr/src", "/usr/local/src"};

// `dir` is `tree` or below it, component-wise (/usr2 is not under /usr).
bool is_within(const fs::path& dir, std::string_view tree) {
    const fs::path root(tree);
    auto d = dir.begin();
    for (auto r = root.begin(); r != root.end(); ++r, ++d) {
        if (d == dir.end() || *d != *r) {
            return false;
        }
    }
    return true;
}

fs::path real_path(const fs::path& dir) {
    std::error_code error;
    fs::path real = fs::weakly_canonical(dir, error);
    return error ? dir.lexically_normal() : real;
}

}  // namespace

bool is_system_directory(const fs::path& dir) {
    fs::path normal = dir.lexically_normal();
    // "/usr/" and "/usr" are the same directory.
    if (normal.has_relative_path() && !normal.has_filename()) {
        normal = normal.parent_path();
    }
    const auto equals = [&](std::string_view system) { return normal == fs::path(system); };
    if (std::any_of(k_system_parents.begin(), k_system_parents.end(), equals)) {
        return true;
    }
    const auto within = [&](std::string_view tree) { return is_within(normal, tree); };
    if (std::any_of(k_project_trees.begin(), k_project_trees.end(), within)) {
        return false;
    }
    return std::any_of(k_system_trees.begin(), k_system_trees.end(), within);
}

ProjectShare project_share_for(const config::Target& target) {
    if (!is_system_directory(real_path(target.base_dir))) {
        return {};
    }
    // root_writable on the host's own root already lets the guest write
    // everywhere; a read-only project share would only be in the way.
    const bool host_root_writable =
        target.root_writes_reach_host() && real_path(target.rootfs) == "/";
    return {host_root_writable, false};
}

std::optional<std::string> project_share_notice(const config::Target& target) {
    if (project_share_for(target).writable) {
        return std::nullopt;
    }
    return "the project directory " + target.base_dir.string() +
           " is a system directory, so the guest gets it read-only at " +
           std::string(config::k_guest_base_dir) +
           "; run vmtest from your project's directory to share that read-write";
}

}  // namespace vmtest::run
