#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace vmtest::boot {

struct ModuleResolution {
    // Host paths of the module files to load, dependencies first, no
    // duplicates. May be compressed (.ko.xz, .ko.zst, .ko.gz).
    std::vector<std::filesystem::path> modules;
    // False when none of the candidate directories exists: the kernel may
    // have everything built in, and the caller decides whether to go on.
    bool modules_dir_found = false;
    // The directory the modules were resolved in (empty if none was found).
    std::filesystem::path modules_dir;
    // Wanted modules skipped because modules.builtin lists them.
    std::vector<std::string> builtin;
};

// Module names compare with '-' and '_' as the same character, like modprobe.
[[nodiscard]] std::string normalize_module_name(std::string_view name);

// The module name a file provides: ".../9pnet_virtio.ko.xz" -> "9pnet_virtio".
[[nodiscard]] std::string module_name_of(const std::filesystem::path& file);

// Resolves `wanted` for kernel `release` in the first of `candidate_dirs`
// that exists (e.g. <rootfs>/lib/modules/<release>, /lib/modules/<release>),
// using its modules.dep and, if present, modules.builtin. Without
// modules.dep (a kernel package, a build tree) the modules are found from
// modules.order, else by their files, and their dependencies are read from
// each module's .modinfo. Throws MissingModuleError naming the module,
// release and directory when a wanted module (or a dependency) is neither
// a module nor built in; BootError when a module cannot be read.
[[nodiscard]] ModuleResolution resolve_modules(
    const std::vector<std::string>& wanted,
    const std::vector<std::filesystem::path>& candidate_dirs, const std::string& release);

}  // namespace vmtest::boot
