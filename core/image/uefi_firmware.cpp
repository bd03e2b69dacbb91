#include "image/uefi_firmware.hpp"

#include <array>
#include <set>
#include <span>
#include <stdexcept>

namespace vmtest::image {

namespace {

namespace fs = std::filesystem;

struct Pair {
    const char* dir;
    const char* code;
    const char* vars;
};

constexpr std::array k_x86_64_pairs = {
    // Debian 11+ and Ubuntu 20.04+ (package ovmf): 4 MiB first.
    Pair{"usr/share/OVMF", "OVMF_CODE_4M.fd", "OVMF_VARS_4M.fd"},
    Pair{"usr/share/OVMF", "OVMF_CODE.fd", "OVMF_VARS.fd"},
    Pair{"usr/share/ovmf", "OVMF_CODE_4M.fd", "OVMF_VARS_4M.fd"},
    Pair{"usr/share/ovmf", "OVMF_CODE.fd", "OVMF_VARS.fd"},
    // Fedora (edk2-ovmf): 4 MiB builds since Fedora 38, then the 2 MiB ones.
    Pair{"usr/share/edk2/ovmf-4m", "OVMF_CODE.fd", "OVMF_VARS.fd"},
    Pair{"usr/share/edk2/ovmf", "OVMF_CODE.fd", "OVMF_VARS.fd"},
    // Arch (edk2-ovmf).
    Pair{"usr/share/edk2-ovmf/x64", "OVMF_CODE.fd", "OVMF_VARS.fd"},
    Pair{"usr/share/edk2/x64", "OVMF_CODE.4m.fd", "OVMF_VARS.4m.fd"},
    // QEMU's own build of EDK II (upstream `make install`, some distributions).
    Pair{"usr/share/qemu", "edk2-x86_64-code.fd", "edk2-i386-vars.fd"},
    Pair{"usr/share/qemu", "OVMF_CODE.fd", "OVMF_VARS.fd"},
};

// AAVMF, EDK II for QEMU's arm64 `virt` board: flash images of the 64 MiB
// the board's two flash chips have.
constexpr std::array k_aarch64_pairs = {
    // Debian and Ubuntu (package qemu-efi-aarch64).
    Pair{"usr/share/AAVMF", "AAVMF_CODE.fd", "AAVMF_VARS.fd"},
    // Fedora (edk2-aarch64).
    Pair{"usr/share/edk2/aarch64", "QEMU_EFI-pflash.raw", "vars-template-pflash.raw"},
    // Arch (edk2-aarch64).
    Pair{"usr/share/edk2/aarch64", "QEMU_CODE.fd", "QEMU_VARS.fd"},
    // QEMU's own build of EDK II.
    Pair{"usr/share/qemu", "edk2-aarch64-code.fd", "edk2-arm-vars.fd"},
};

std::span<const Pair> pairs_for(std::string_view arch) {
    if (arch == "aarch64") {
        return k_aarch64_pairs;
    }
    return k_x86_64_pairs;
}

} // namespace

std::vector<UefiFirmware> uefi_candidates(std::string_view arch, const fs::path& root) {
    std::vector<UefiFirmware> candidates;
    for (const auto& pair : pairs_for(arch)) {
        const fs::path dir = root / pair.dir;
        candidates.push_back({dir / pair.code, dir / pair.vars});
    }
    return candidates;
}

std::optional<UefiFirmware> find_uefi_firmware(std::string_view arch, const fs::path& root) {
    for (const auto& candidate : uefi_candidates(arch, root)) {
        std::error_code error;
        if (fs::is_regular_file(candidate.code, error) &&
            fs::is_regular_file(candidate.vars, error)) {
            return candidate;
        }
    }
    return std::nullopt;
}

std::string no_uefi_firmware_message(std::string_view arch, const fs::path& root) {
    std::string dirs;
    std::set<fs::path> seen;
    for (const auto& candidate : uefi_candidates(arch, root)) {
        if (seen.insert(candidate.code.parent_path()).second) {
            dirs += (dirs.empty() ? "" : ", ") + candidate.code.parent_path().string();
        }
    }
    if (arch == "aarch64") {
        return "an aarch64 image boots with UEFI, but no UEFI firmware for it (AAVMF code and "
               "vars) was found in " +
               dirs +
               "; install qemu-efi-aarch64 (Debian, Ubuntu) or edk2-aarch64 (Fedora, Arch), or "
               "give its file as vm.bios";
    }
    return "uefi = true but no UEFI firmware (OVMF code and vars) was found in " + dirs +
           "; install ovmf (Debian, Ubuntu) or edk2-ovmf (Fedora, Arch), or give its file "
           "as vm.bios";
}

fs::path copy_vars_store(const UefiFirmware& firmware, const fs::path& dir) {
    const fs::path copy = dir / "uefi-vars.fd";
    std::error_code error;
    fs::copy_file(firmware.vars, copy, fs::copy_options::overwrite_existing, error);
    if (!error) {
        fs::permissions(copy, fs::perms::owner_read | fs::perms::owner_write,
                        fs::perm_options::replace, error);
    }
    if (error) {
        throw std::runtime_error("cannot copy the UEFI variable store " + firmware.vars.string() +
                                 " to " + copy.string() + ": " + error.message());
    }
    return copy;
}

} // namespace vmtest::image
