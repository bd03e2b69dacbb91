#include "config/guest_root_arch.hpp"

#include <deque>
#include <system_error>

#include "util/elf_machine.hpp"

namespace vmtest::config {
namespace {

namespace fs = std::filesystem;

// Linux's own limit on symbolic links followed in one lookup.
constexpr int k_max_symlinks = 40;

// `relative` looked up inside `root` as the guest would see it: an absolute
// link target starts again at `root`, and ".." stops at it. nullopt for a
// loop or a path that does not exist.
std::optional<fs::path> lookup_inside(const fs::path& root, const fs::path& relative) {
    std::deque<fs::path> pending(relative.begin(), relative.end());
    std::vector<fs::path> resolved; // components below root
    int links = 0;
    while (!pending.empty()) {
        const fs::path component = pending.front();
        pending.pop_front();
        if (component.empty() || component == "." || component == "/") {
            continue;
        }
        if (component == "..") {
            if (!resolved.empty()) {
                resolved.pop_back();
            }
            continue;
        }
        fs::path here = root;
        for (const auto& part : resolved) {
            here /= part;
        }
        here /= component;
        std::error_code error;
        const auto status = fs::symlink_status(here, error);
        if (error || !fs::exists(status)) {
            return std::nullopt;
        }
        if (!fs::is_symlink(status)) {
            resolved.push_back(component);
            continue;
        }
        if (++links > k_max_symlinks) {
            return std::nullopt;
        }
        const fs::path target = fs::read_symlink(here, error);
        if (error) {
            return std::nullopt;
        }
        if (target.is_absolute()) {
            resolved.clear();
        }
        const fs::path rest = target.relative_path();
        pending.insert(pending.begin(), rest.begin(), rest.end());
    }
    fs::path found = root;
    for (const auto& part : resolved) {
        found /= part;
    }
    return found;
}

bool is_host_root(const fs::path& rootfs) {
    return rootfs.lexically_normal() == "/";
}

std::string in_quotes(std::string_view text) {
    return "\"" + std::string(text) + "\"";
}

} // namespace

std::optional<std::string> root_filesystem_arch(const fs::path& rootfs) {
    for (const char* shell : {"bin/bash", "bin/sh"}) {
        if (const auto path = lookup_inside(rootfs, shell)) {
            if (auto arch = util::elf_machine_arch(*path)) {
                return arch;
            }
        }
    }
    return std::nullopt;
}

std::optional<GuestRootProblem> guest_root_problem(const Target& target) {
    if (target.is_image()) {
        return std::nullopt; // the image brings its own root
    }
    if (is_host_root(target.rootfs)) {
        if (target.arch != k_default_arch) {
            return GuestRootProblem{"arch", in_quotes(target.arch) +
                                                " cannot run the host's own root, whose programs "
                                                "are " +
                                                std::string(k_default_arch) +
                                                ": give a root filesystem of " + target.arch +
                                                " (rootfs, -r)"};
        }
        return std::nullopt;
    }
    const auto rootfs_arch = root_filesystem_arch(target.rootfs);
    if (rootfs_arch && *rootfs_arch != target.arch) {
        return GuestRootProblem{"rootfs", target.rootfs.string() + " holds " + *rootfs_arch +
                                              " programs (its shell is one), but arch is " +
                                              in_quotes(target.arch)};
    }
    return std::nullopt;
}

} // namespace vmtest::config
