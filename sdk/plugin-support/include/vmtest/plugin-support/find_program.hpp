#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace vmtest::util {

// `program` as execvp would find it: itself when it contains a slash, else
// the first executable match in $PATH; nullopt when there is none.
std::optional<std::filesystem::path> find_program(const std::string& program);

}  // namespace vmtest::util
