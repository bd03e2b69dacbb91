// Reads vmtest.toml's bytes with bounds, before any parsing: only a regular
// file, and at most k_max_config_bytes of it. `-c /dev/zero`, a FIFO or a
// runaway generated file would otherwise be read forever (or block on open)
// and grow without limit.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace vmtest::config {

// Far beyond any hand-written or generated config (vmtest's own examples
// are a few hundred bytes), small enough to read and parse in moments.
inline constexpr std::size_t k_max_config_bytes = 4 * 1024 * 1024;

// The whole of `file`. Throws ConfigError naming the file when it is not a
// regular file ("is a directory, not a regular file"), is larger than
// k_max_config_bytes, or cannot be read ("cannot read: Permission denied").
// Never opens anything but a regular file, so a FIFO or device is not
// touched.
std::string read_config_text(const std::filesystem::path& file);

// The error for a text longer than k_max_config_bytes.
[[noreturn]] void fail_config_too_large(const std::string& file);

}  // namespace vmtest::config
