#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "boot/init_config.hpp"
#include "config/target.hpp"

namespace vmtest::run {

// What booting a target's kernel takes, worked out on the host.
struct KernelSetup {
    std::filesystem::path boot_kernel;  // for 1.x backends: pvh_elf if any, else image
    std::filesystem::path image;        // the kernel file as given
    std::string image_format;           // "bzImage", "elf", "Image" or "unknown"
    std::optional<std::filesystem::path> pvh_elf;  // an ELF with a PVH entry (maybe extracted)
    std::string release;                // read from the image itself
    std::vector<std::filesystem::path> modules;  // host files, in load order
    std::vector<std::string> hints;     // said by init if mounting the root fails
};

// Reads the kernel's release from the image and prefers its extracted PVH
// vmlinux (cached; boots without the slow in-guest decompression). Throws
// when the image is a kernel of another arch than the target's. The
// modules come later (resolve_guest_modules): which ones depends on the
// backend, and choosing it may need the kernel.
KernelSetup prepare_kernel(const config::Target& target, const std::filesystem::path& cache_dir);

// Finds `wanted` modules of `kernel` with their dependencies in the
// target's `modules` directory (set by kernel_source for packages, trees and
// `modules`), else its rootfs's or the host's /lib/modules/<release>.
void resolve_guest_modules(KernelSetup& kernel, const config::Target& target,
                           const std::vector<std::string>& wanted);

// Writes the initramfs for `init` (whose module list is filled in here) to
// `output`, with `guest_init` (boot::embedded_init(target's arch)) as its
// /init; the part that only depends on the init and modules is cached.
void write_initramfs(const KernelSetup& kernel, boot::InitConfig init,
                     std::span<const std::byte> guest_init, const std::filesystem::path& cache_dir,
                     const std::filesystem::path& output);

}  // namespace vmtest::run
