// Which virtiofsd vmtest starts, and which command-line dialect it speaks.
//
// Two implementations exist: QEMU's original C daemon (QEMU <= 7.2; Debian
// 12 ships it as /usr/lib/qemu/virtiofsd) and the Rust rewrite that replaced
// it (Fedora, Debian 13: /usr/libexec/virtiofsd, or on PATH). They take
// different options (`-o source=DIR` against `--shared-dir DIR`), so the
// dialect is read from the binary's own --help.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace vmtest::virtiofs {

enum class Dialect { qemu_c, rust };

struct Virtiofsd {
    std::filesystem::path path;
    Dialect dialect = Dialect::qemu_c;
    // Rust only: --allow-mmap, which lets cache=never keep shared mmap.
    bool allow_mmap = false;
};

// Names the one binary to use instead of searching (a custom build, or a
// test's wrapper).
inline constexpr const char* k_virtiofsd_env = "VMTEST_VIRTIOFSD";

// Where to look, in order: "virtiofsd" on PATH, then the distributions'
// private locations.
std::vector<std::filesystem::path> virtiofsd_candidates();

// The dialect, read from `help` (what the binary printed for --help).
// nullopt when the text is neither daemon's.
std::optional<Virtiofsd> recognize_virtiofsd(const std::filesystem::path& path,
                                             const std::string& help);

// The daemon to run: $VMTEST_VIRTIOFSD, else the first of
// virtiofsd_candidates() that runs and is recognized. Throws
// sdk::unsupported saying what was tried.
Virtiofsd find_virtiofsd();

// The first of `candidates` that runs and is recognized; throws
// sdk::unsupported naming them all.
Virtiofsd first_virtiofsd(const std::vector<std::filesystem::path>& candidates);

}  // namespace vmtest::virtiofs
