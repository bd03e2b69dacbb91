// Kernel packages and tarballs, read with libarchive: a Debian or Ubuntu
// .deb (an `ar` archive whose data.tar.{xz,zst,gz,bz2} holds the files) and
// a tar archive, compressed or not. Both are unpacked into a directory as
// they would be installed (boot/vmlinuz-<release>, lib/modules/<release>).
#pragma once

#include <filesystem>

namespace vmtest::kernel_source {

enum class ArchiveKind {
    none,    // neither: maybe a kernel image
    deb,     // an ar archive (a .deb package)
    tarball, // a tar archive, compressed with anything libarchive reads
};

// Looks at the first bytes of `file` only. Throws KernelSourceError when it
// cannot be read.
[[nodiscard]] ArchiveKind archive_kind(const std::filesystem::path& file);

// Unpacks the files, directories and symbolic links of `archive` (a .deb's
// data.tar member, or a tarball) into the existing directory `destination`.
// Entries that would land outside it (absolute names, "..") are refused;
// device nodes and FIFOs are skipped. Throws KernelSourceError naming the
// archive ("... is not a Debian package: no data.tar member").
void extract_deb(const std::filesystem::path& deb, const std::filesystem::path& destination);
void extract_tarball(const std::filesystem::path& tarball,
                     const std::filesystem::path& destination);

} // namespace vmtest::kernel_source
