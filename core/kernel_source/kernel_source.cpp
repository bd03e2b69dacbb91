#include "kernel_source/kernel_source.hpp"

#include <spdlog/spdlog.h>

#include "boot/boot_error.hpp"
#include "boot/kernel_image.hpp"
#include "config/kernel_location.hpp"
#include "kernel_source/cache_staging.hpp"
#include "kernel_source/kernel_source_error.hpp"
#include "kernel_source/kernel_tree.hpp"
#include "kernel_source/package_archive.hpp"
#include "kernel_source/sha256.hpp"
#include "kernel_source/url_cache.hpp"

namespace vmtest::kernel_source {
namespace {

namespace fs = std::filesystem;

// 128 bits of an archive's SHA-256 name its unpacked copy.
constexpr std::size_t k_entry_name_length = 32;

bool path_exists(const fs::path& path) {
    std::error_code error;
    return fs::exists(path, error);
}

bool is_dir(const fs::path& path) {
    std::error_code error;
    return fs::is_directory(path, error);
}

std::string release_of(const fs::path& image) {
    try {
        return boot::inspect(image).release;
    } catch (const boot::BootError& error) {
        throw KernelSourceError(error.what());
    }
}

} // namespace

KernelSourceResolver::KernelSourceResolver(const fs::path& cache_dir)
    : m_cache_root(cache_dir / "kernel-sources") {}

KernelSourceResolver::LocalSource
KernelSourceResolver::make_local(const fs::path& location, const std::optional<std::string>& sha256,
                                 std::string_view pin_field) {
    const std::string key = location.string() + "\n" + sha256.value_or("");
    if (const auto known = m_local.find(key); known != m_local.end()) {
        return known->second;
    }
    LocalSource local;
    std::optional<std::string> known_sha256;
    if (config::is_url(location)) {
        const auto download =
            fetch_url(location.string(), sha256, pin_field, m_cache_root, m_progress);
        local.path = download.file;
        known_sha256 = download.sha256;
    } else {
        local.path = location;
    }
    if (!is_dir(local.path)) {
        const ArchiveKind kind = archive_kind(local.path);
        if (kind != ArchiveKind::none) {
            local.unpacked =
                unpack(local.path, kind, config::location_file_name(location), known_sha256);
        }
    }
    m_local.emplace(key, local);
    return local;
}

fs::path KernelSourceResolver::unpack(const fs::path& archive, ArchiveKind kind,
                                      const std::string& name,
                                      const std::optional<std::string>& known_sha256) {
    const std::string sha256 = known_sha256 ? *known_sha256 : sha256_file(archive);
    const fs::path entry = m_cache_root / "packages" / sha256.substr(0, k_entry_name_length);
    if (is_dir(entry)) {
        spdlog::debug("{}: unpacked before in {}", archive.string(), entry.string());
        return entry;
    }
    CacheStaging staging(m_cache_root);
    m_progress.show("unpacking " + name, true);
    try {
        if (kind == ArchiveKind::deb) {
            extract_deb(archive, staging.path());
        } else {
            extract_tarball(archive, staging.path());
        }
    } catch (...) {
        m_progress.clear();
        throw;
    }
    m_progress.clear();
    staging.publish(entry, CacheStaging::IfPresent::keep);
    spdlog::debug("{}: unpacked into {}", archive.string(), entry.string());
    return entry;
}

fs::path KernelSourceResolver::modules_directory(const fs::path& location,
                                                 const std::optional<std::string>& sha256,
                                                 const std::string& release) {
    if (!config::is_url(location) && !path_exists(location)) {
        throw KernelSourceError("modules " + location.string() + " do not exist");
    }
    const LocalSource local = make_local(location, sha256, "modules_sha256");
    const fs::path root = local.unpacked.value_or(local.path);
    if (!is_dir(root)) {
        throw KernelSourceError("modules " + location.string() +
                                " are neither a directory, a .deb package nor a tarball");
    }
    if (auto dir = find_modules_directory(root, release)) {
        return *dir;
    }
    const std::string present = describe_module_releases(root);
    throw KernelSourceError("modules " + location.string() + " have none for kernel release " +
                            (release.empty() ? "(unknown)" : release) + " (no lib/modules/" +
                            release + ", usr/lib/modules/" + release +
                            ", modules.dep or modules.order" +
                            (present.empty() ? "" : "; there is " + present) + ")");
}

void KernelSourceResolver::resolve(config::Target& target) {
    if (!target.kernel) {
        return;
    }
    const fs::path location = *target.kernel;
    if (!config::is_url(location) && !path_exists(location)) {
        return; // "kernel ... does not exist" is the run's to say
    }
    const LocalSource kernel = make_local(location, target.kernel_sha256, "kernel_sha256");
    fs::path image = kernel.path;
    std::optional<fs::path> own_modules_root;
    if (kernel.unpacked || is_dir(kernel.path)) {
        own_modules_root = kernel.unpacked.value_or(kernel.path);
        image = inspect_kernel_directory(*own_modules_root).image;
    }
    const std::string release = release_of(image);

    std::optional<fs::path> modules;
    if (target.modules) {
        modules = modules_directory(*target.modules, target.modules_sha256, release);
    } else if (own_modules_root) {
        modules = find_modules_directory(*own_modules_root, release);
    }
    spdlog::debug("kernel {}: booting {} (release '{}'), modules from {}", location.string(),
                  image.string(), release, modules ? modules->string() : "the rootfs or the host");
    target.kernel = image;
    target.modules = modules;
}

void resolve_kernel_sources(std::vector<config::Target>& targets, const fs::path& cache_dir) {
    KernelSourceResolver resolver(cache_dir);
    for (auto& target : targets) {
        resolver.resolve(target);
    }
}

} // namespace vmtest::kernel_source
