#include "boot/initramfs_builder.hpp"

#include "boot/boot_error.hpp"
#include "boot/content_hash.hpp"
#include "boot/cpio_writer.hpp"
#include "boot/file_io.hpp"
#include "boot/modinfo.hpp"
#include "boot/module_resolver.hpp"

#include <algorithm>
#include <set>
#include <spdlog/spdlog.h>
#include <system_error>

namespace vmtest::boot {

namespace {

// Bump when the base archive's layout changes, so stale cache entries are
// not reused.
constexpr std::string_view k_base_layout_version = "vmtest-initramfs-base-v1";
constexpr std::string_view k_module_dir = "/lib/modules/";

// The directories the init expects to exist before it mounts anything.
constexpr std::string_view k_base_directories[] = {
    "/dev", "/proc", "/sys", "/newroot", "/lower", "/rw", "/lib", "/lib/modules",
};

std::string base_key(std::span<const std::byte> init,
                     const std::vector<std::filesystem::path>& modules,
                     const std::vector<std::string>& targets) {
    ContentHasher hasher;
    hasher.update_field(k_base_layout_version);
    hasher.update_field(std::to_string(init.size()));
    hasher.update(init);
    for (std::size_t i = 0; i < modules.size(); ++i) {
        hasher.update_field(targets[i]);
        // The file as stored on the host: decompressing is deterministic, so
        // hashing the compressed bytes keeps a warm lookup cheap.
        std::uint64_t size = 0;
        ContentHasher module_hasher;
        read_file_chunks(modules[i], [&](std::span<const std::byte> chunk) {
            module_hasher.update(chunk);
            size += chunk.size();
        });
        hasher.update_field(std::to_string(size));
        hasher.update_field(module_hasher.hex());
    }
    return hasher.hex();
}

}  // namespace

std::vector<std::string> initramfs_module_paths(
    const std::vector<std::filesystem::path>& host_modules) {
    std::vector<std::string> paths;
    std::set<std::string> seen;
    for (const auto& host : host_modules) {
        std::string target = std::string(k_module_dir) + module_name_of(host) + ".ko";
        if (!seen.insert(target).second) {
            throw BootError("two kernel modules would both be " + target + " in the initramfs (" +
                            host.string() + " and an earlier one)");
        }
        paths.push_back(std::move(target));
    }
    return paths;
}

InitramfsBuilder::InitramfsBuilder(std::span<const std::byte> init_binary) : m_init(init_binary) {}

std::filesystem::path InitramfsBuilder::build_base(const std::vector<std::filesystem::path>& modules,
                                                   const std::filesystem::path& cache_dir) const {
    std::vector<std::string> targets = initramfs_module_paths(modules);
    std::filesystem::path dir = cache_dir / "initramfs";
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) {
        throw BootError("cannot create cache directory " + dir.string() + ": " + error.message());
    }
    std::filesystem::path cached = dir / (base_key(m_init, modules, targets) + ".cpio");
    if (std::filesystem::exists(cached)) {
        spdlog::debug("using cached initramfs base {}", cached.string());
        return cached;
    }

    CpioWriter writer;
    for (std::string_view directory : k_base_directories) {
        writer.add_directory(directory);
    }
    // The kernel opens /dev/console for the init before anything is mounted.
    writer.add_char_device("/dev/console", 5, 1, 0600);
    writer.add_file("/init", m_init, 0755);
    for (std::size_t i = 0; i < modules.size(); ++i) {
        writer.add_file(targets[i], read_module_file(modules[i]), 0644);
    }
    write_file_atomic(cached, writer.finish());
    spdlog::debug("built initramfs base {} ({} modules)", cached.string(), modules.size());
    return cached;
}

std::vector<std::byte> InitramfsBuilder::build_config_archive(const InitConfig& config) {
    CpioWriter writer;
    writer.add_directory("/vmtest", 0755);
    writer.add_file("/vmtest/init.conf", render(config), 0644);
    return writer.finish();
}

std::filesystem::path InitramfsBuilder::build(const InitConfig& config,
                                              const std::vector<std::filesystem::path>& modules,
                                              const std::filesystem::path& cache_dir,
                                              const std::filesystem::path& out_path) const {
    std::vector<std::string> targets = initramfs_module_paths(modules);
    for (const auto& wanted : config.modules) {
        if (std::find(targets.begin(), targets.end(), wanted) == targets.end()) {
            throw BootError("init config loads module " + wanted +
                            " but the initramfs for " + out_path.string() +
                            " does not contain it (use initramfs_module_paths())");
        }
    }
    std::vector<std::byte> base = read_file(build_base(modules, cache_dir));
    std::vector<std::byte> per_run = build_config_archive(config);
    std::span<const std::byte> parts[] = {base, per_run};
    write_file_atomic(out_path, parts);
    return out_path;
}

}  // namespace vmtest::boot
