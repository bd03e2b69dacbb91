#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace vmtest::util {

// A directory vmtest keeps for itself, and what chose it, so that a message
// can say what to fix.
struct OwnDirectory {
    std::filesystem::path path;
    std::string chosen_by;  // "$VMTEST_CACHE_DIR", "$XDG_CACHE_HOME", "$HOME", ...
};

// A directory variable's value when it can be used: set, not empty and
// absolute. For the XDG base directory variables (and $HOME, $TMPDIR) the
// XDG Base Directory specification makes a relative path invalid, to be
// ignored: it would put vmtest's files in whatever directory vmtest runs in.
std::optional<std::filesystem::path> absolute_path_from(const char* variable);

// Where vmtest keeps what is worth keeping between runs (extracted kernels,
// initramfs archives, the KVM verdict): $VMTEST_CACHE_DIR (relative to the
// current directory if relative: CI caches often must live in the
// workspace), else $XDG_CACHE_HOME/vmtest, else ~/.cache/vmtest.
OwnDirectory cache_location();

// Where boot logs of the last run of each target are kept:
// $XDG_STATE_HOME/vmtest, else ~/.local/state/vmtest.
OwnDirectory state_location();

// Creates `dir` (and its parents) and returns its path. Throws
// std::runtime_error with one line naming the directory, what it is for
// (`purpose`, e.g. "cache directory"), the variable that chose it and why
// it cannot be created ("/x is not a directory").
std::filesystem::path create_own_directory(const OwnDirectory& dir, const std::string& purpose);

// cache_location() and state_location(), created.
std::filesystem::path cache_dir();
std::filesystem::path state_dir();

// The directory holding the running executable (from /proc/self/exe).
std::filesystem::path executable_dir();

}  // namespace vmtest::util
