// Kernels in directories. Two layouts are recognized:
//  - an installed kernel, as `make install INSTALL_PATH=D/boot
//    modules_install INSTALL_MOD_PATH=D` or unpacking a linux-image package
//    leaves it: D/boot/vmlinuz-<release> (or D/vmlinuz-<release>) and
//    D/lib/modules/<release> (or D/usr/lib/modules/<release>, merged /usr);
//  - a kernel build tree: D/arch/x86/boot/bzImage or D/arch/arm64/boot/Image
//    (or Image.gz), with its modules (when it has any) beside their sources
//    and listed in D/modules.order.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace vmtest::kernel_source {

struct KernelDirectory {
    enum class Layout { installed, build_tree };
    Layout layout = Layout::installed;
    std::filesystem::path image; // the kernel to boot
};

// Throws KernelSourceError when `dir` has neither layout, or holds several
// installed kernels (naming them, so the user can pick one).
[[nodiscard]] KernelDirectory inspect_kernel_directory(const std::filesystem::path& dir);

// Where the modules of kernel `release` are below `dir`: its
// lib/modules/<release> or usr/lib/modules/<release>, else `dir` itself
// when it is a modules directory or a build tree (it has modules.dep or
// modules.order). nullopt when none is there.
[[nodiscard]] std::optional<std::filesystem::path>
find_modules_directory(const std::filesystem::path& dir, const std::string& release);

// "lib/modules/6.1.0-9-amd64, lib/modules/6.12.8-amd64": the releases `dir`
// does have modules for, for messages; empty when none.
[[nodiscard]] std::string describe_module_releases(const std::filesystem::path& dir);

} // namespace vmtest::kernel_source
