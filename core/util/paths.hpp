#pragma once

#include <filesystem>

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

}  // namespace vmtest::util
