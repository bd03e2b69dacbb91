// From what a target names as its kernel and modules to files QEMU and the
// initramfs builder can use, before any VM starts:
//
//   kernel = image file        booted as it is (no copy)
//            .deb / tarball    unpacked once into the cache, keyed by its
//                              SHA-256: boot/vmlinuz-* is booted, and its
//                              lib/modules/<release> gives the modules
//            directory         an installed kernel or a build tree
//                              (kernel_tree.hpp), used in place
//            http(s) URL       of any file above: downloaded once into the
//                              cache, revalidated later (url_cache.hpp),
//                              checked against kernel_sha256 when given
//   modules = directory, .deb, tarball or URL (modules_sha256): where the
//            modules of the kernel's release are; else those that came
//            with the kernel's package or tree, if any.
//
// The cache is <cache_dir>/kernel-sources: downloads/, packages/ (unpacked
// packages and tarballs) and staging/ (entries being built).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/target.hpp"
#include "kernel_source/package_archive.hpp"
#include "kernel_source/progress_line.hpp"

namespace vmtest::kernel_source {

class KernelSourceResolver {
  public:
    explicit KernelSourceResolver(const std::filesystem::path& cache_dir);

    // Replaces `target.kernel` with the image to boot and sets
    // `target.modules` to the directory of its release's modules (or leaves
    // it unset when neither `modules` nor the kernel's package or tree has
    // them: the rootfs's or the host's are used then). A local kernel path
    // that does not exist is left as it is, for the run to report. Image
    // targets are left alone. Throws KernelSourceError.
    void resolve(config::Target& target);

    const std::filesystem::path& cache_root() const { return m_cache_root; }

  private:
    // A location made local: a file (image, or an archive that was
    // unpacked into `unpacked`) or a directory.
    struct LocalSource {
        std::filesystem::path path; // the file or directory the location names, locally
        std::optional<std::filesystem::path> unpacked; // the package or tarball's files
    };

    LocalSource make_local(const std::filesystem::path& location,
                           const std::optional<std::string>& sha256, std::string_view pin_field);
    // `name` says what is unpacked, in the progress line.
    std::filesystem::path unpack(const std::filesystem::path& archive, ArchiveKind kind,
                                 const std::string& name,
                                 const std::optional<std::string>& known_sha256);
    std::filesystem::path modules_directory(const std::filesystem::path& location,
                                            const std::optional<std::string>& sha256,
                                            const std::string& release);

    std::filesystem::path m_cache_root;
    ProgressLine m_progress;
    // Each location is fetched or unpacked once per run, however many
    // targets name it.
    std::map<std::string, LocalSource> m_local;
};

// Resolves every target's kernel sources (see KernelSourceResolver) with
// the cache in `cache_dir`.
void resolve_kernel_sources(std::vector<config::Target>& targets,
                            const std::filesystem::path& cache_dir);

} // namespace vmtest::kernel_source
