#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace vmtest::util {

// The whole file, or "" when it cannot be read (logs that may not exist yet).
std::string read_text_file(const std::filesystem::path& file);

// The last `count` lines of `text`.
std::vector<std::string> last_lines(const std::string& text, std::size_t count);

}  // namespace vmtest::util
