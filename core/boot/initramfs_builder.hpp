#pragma once

#include "boot/init_config.hpp"

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace vmtest::boot {

// Where a host module file lands in the initramfs, in the same order:
// ".../kernel/net/9p/9pnet_virtio.ko.xz" -> "/lib/modules/9pnet_virtio.ko".
// Put the result into InitConfig::modules.
[[nodiscard]] std::vector<std::string> initramfs_module_paths(
    const std::vector<std::filesystem::path>& host_modules);

// Builds the initramfs a vmtest guest boots with. It is two concatenated cpio
// archives (the kernel unpacks them one after the other):
//  - a base archive with /init (vmtest-init), /dev/console, the mount points
//    the init uses, and the kernel modules (decompressed here, so the init
//    only needs finit_module). It depends only on the init and the modules,
//    so it is cached as <cache_dir>/initramfs/<content hash>.cpio (the hash
//    covers the init's bytes, so each arch's init has entries of its own);
//  - a tiny per-run archive with /vmtest/init.conf.
class InitramfsBuilder {
public:
    // `init_binary` is the guest's /init: embedded_init(arch) for a guest of
    // `arch`, another binary in tests. The bytes must outlive the builder.
    explicit InitramfsBuilder(std::span<const std::byte> init_binary);

    // Writes the initramfs to `out_path` (atomically) and returns it.
    // `config.modules` must name paths that initramfs_module_paths(modules)
    // produces. Throws BootError on I/O errors, unreadable or undecodable
    // modules, and module files whose names collide.
    std::filesystem::path build(const InitConfig& config,
                                const std::vector<std::filesystem::path>& modules,
                                const std::filesystem::path& cache_dir,
                                const std::filesystem::path& out_path) const;

    // The cached base archive for these modules, building it if needed.
    std::filesystem::path build_base(const std::vector<std::filesystem::path>& modules,
                                     const std::filesystem::path& cache_dir) const;

    // The per-run archive: just /vmtest/init.conf.
    [[nodiscard]] static std::vector<std::byte> build_config_archive(const InitConfig& config);

private:
    std::span<const std::byte> m_init;
};

}  // namespace vmtest::boot
