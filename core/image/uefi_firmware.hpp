// UEFI firmware for image targets: EDK II for QEMU (OVMF for x86_64, AAVMF
// for aarch64) as two files, the firmware's code (read-only) and a template
// of its variable store (boot entries, settings), which the firmware writes. Distributions ship both in
// a few known places; each run boots with the code as is and its own copy
// of the variable store, so no run sees another's writes and the installed
// template stays untouched.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vmtest::image {

struct UefiFirmware {
    std::filesystem::path code;
    std::filesystem::path vars; // the template; copied per run
};

// Where distributions install the UEFI firmware of `arch` ("x86_64": OVMF,
// "aarch64": AAVMF), most preferred first; for x86_64 the 4 MiB builds
// (Debian, Ubuntu), then 2 MiB ones (older Debian and Ubuntu, Fedora,
// Arch), then QEMU's own EDK II build. Relative to `root` ("/" but in tests).
std::vector<UefiFirmware> uefi_candidates(std::string_view arch,
                                          const std::filesystem::path& root = "/");

// The first candidate whose code and vars both exist under `root`.
std::optional<UefiFirmware> find_uefi_firmware(std::string_view arch,
                                               const std::filesystem::path& root = "/");

// The error when find_uefi_firmware() finds none: names where it looked and
// what to install.
std::string no_uefi_firmware_message(std::string_view arch,
                                     const std::filesystem::path& root = "/");

// Copies the variable store template to `dir`/uefi-vars.fd, writable by the
// owner, and returns the copy's path. Throws std::runtime_error naming both.
std::filesystem::path copy_vars_store(const UefiFirmware& firmware,
                                      const std::filesystem::path& dir);

} // namespace vmtest::image
