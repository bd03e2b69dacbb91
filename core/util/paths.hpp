#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace vmtest::util {

// Where vmtest keeps what is worth keeping between runs (extracted kernels,
// initramfs archives, the KVM verdict): $VMTEST_CACHE_DIR, else
// $XDG_CACHE_HOME/vmtest, else ~/.cache/vmtest. Created on first use.
std::filesystem::path cache_dir();

// Where boot logs of the last run of each target are kept:
// $XDG_STATE_HOME/vmtest, else ~/.local/state/vmtest. Created on first use.
std::filesystem::path state_dir();

// The directory holding the running executable (from /proc/self/exe).
std::filesystem::path executable_dir();

// `program` as execvp would find it: itself when it contains a slash, else
// the first executable match in $PATH; nullopt when there is none.
std::optional<std::filesystem::path> find_program(const std::string& program);

}  // namespace vmtest::util
