#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <span>
#include <vector>

namespace vmtest::boot {

// Small file helpers shared by the boot component; all throw BootError with
// the path in the message.

[[nodiscard]] std::vector<std::byte> read_file(const std::filesystem::path& path);

// Calls `sink` with consecutive chunks of the file, so large files (a 66 MB
// vmlinux) can be hashed without holding them in memory.
void read_file_chunks(const std::filesystem::path& path,
                      const std::function<void(std::span<const std::byte>)>& sink);

// Writes the parts one after another to a temporary file next to `path` and
// renames it into place, so concurrent readers (another vmtest using the same
// cache) see either nothing or the complete file, never a partial one.
void write_file_atomic(const std::filesystem::path& path,
                       std::span<const std::span<const std::byte>> parts);
void write_file_atomic(const std::filesystem::path& path, std::span<const std::byte> bytes);

}  // namespace vmtest::boot
