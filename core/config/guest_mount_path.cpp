#include "config/guest_mount_path.hpp"

#include <array>

#include "config/control_characters.hpp"
#include "config/target.hpp"

namespace vmtest::config {
namespace {

// Kernel filesystems the init mounts, with what it mounts beneath them.
constexpr std::array<std::string_view, 3> k_kernel_trees = {"/proc", "/sys", "/dev"};
// The init's tmpfs mounts: a share beneath them is fine, on them it hides them.
constexpr std::array<std::string_view, 2> k_init_tmpfs = {"/tmp", "/run"};

// "/a/b" is within "/a" and "/a/b", not within "/ab".
bool is_within(std::string_view path, std::string_view tree) {
    return path == tree || (path.starts_with(tree) && path[tree.size()] == '/');
}

bool is_normalised(std::string_view path) {
    if (path == "/") {
        return true;
    }
    // After the leading '/': no empty, "." or ".." component, no trailing '/'.
    std::string_view rest = path.substr(1);
    while (true) {
        const auto slash = rest.find('/');
        const std::string_view part = rest.substr(0, slash);
        if (part.empty() || part == "." || part == "..") {
            return false;
        }
        if (slash == std::string_view::npos) {
            return true;
        }
        rest.remove_prefix(slash + 1);
    }
}

}  // namespace

std::optional<std::string> guest_mount_path_problem(std::string_view guest_path,
                                                    const std::filesystem::path& project_dir) {
    if (has_control_character(guest_path)) {
        return "must not contain control characters";
    }
    if (guest_path.empty() || guest_path.front() != '/') {
        return "must be absolute";
    }
    if (!is_normalised(guest_path)) {
        return "must be normalised: no \".\" or \"..\" parts, no \"//\", no trailing \"/\"";
    }
    if (guest_path == "/") {
        return "cannot replace the guest's root";
    }
    for (const std::string_view tree : k_kernel_trees) {
        if (is_within(guest_path, tree)) {
            return "is inside " + std::string(tree) +
                   ", which the guest's init mounts from the kernel; mount elsewhere, e.g. "
                   "/mnt/data";
        }
    }
    for (const std::string_view tmpfs : k_init_tmpfs) {
        if (guest_path == tmpfs) {
            return "is where the guest's init mounts a tmpfs; mount beneath it instead, e.g. " +
                   std::string(tmpfs) + "/data";
        }
    }
    if (guest_path == k_guest_base_dir) {
        return "is reserved for the config file's directory";
    }
    if (is_within(k_guest_base_dir, guest_path)) {
        return "would hide " + std::string(k_guest_base_dir) +
               ", where the guest sees the config file's directory";
    }
    // The init also binds the project at its host path (except at "/").
    std::string project = project_dir.lexically_normal().string();
    while (project.size() > 1 && project.back() == '/') {
        project.pop_back();
    }
    if (project != "/" && !project.empty() && project.front() == '/') {
        if (guest_path == project) {
            return "is where the guest sees the config file's directory (at its host path)";
        }
        if (is_within(project, guest_path)) {
            return "contains " + project +
                   ", where the guest's init binds the config file's directory";
        }
    }
    return std::nullopt;
}

}  // namespace vmtest::config
