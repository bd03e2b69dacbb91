#pragma once

#include <string>

namespace vmtest::boot::init {

// mkdir -p; true on success or if the directory already exists.
bool make_directories(const std::string& path, unsigned mode = 0755);

// Reads a small text file into `out`; false (errno set) on failure.
bool read_text_file(const std::string& path, std::string& out);

// Creates an empty regular file if nothing exists at `path` (a bind mount of
// a file needs a file to mount on).
bool ensure_file(const std::string& path);

}  // namespace vmtest::boot::init
