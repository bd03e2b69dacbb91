#include "process_table.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace vmtest::test_support {

std::vector<std::string> processes_mentioning(const std::string& needle) {
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const auto name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        std::ifstream in(entry.path() / "cmdline", std::ios::binary);
        std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
        if (cmdline.find(needle) != std::string::npos) {
            found.push_back(name + ": " + cmdline);
        }
    }
    return found;
}

}  // namespace vmtest::test_support
