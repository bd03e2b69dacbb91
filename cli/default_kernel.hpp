#pragma once

#include <filesystem>
#include <optional>

namespace vmtest::cli {

// The kernel a one-liner boots when no -k is given: the host's running
// kernel (/boot/vmlinuz-$(uname -r)) when installed, else the newest
// /boot/vmlinuz-* by version.
std::optional<std::filesystem::path> default_kernel(const std::filesystem::path& boot_dir = "/boot");

}  // namespace vmtest::cli
