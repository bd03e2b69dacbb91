#include "default_kernel.hpp"

#include <cstring>
#include <string>
#include <sys/utsname.h>
#include <vector>

namespace vmtest::cli {

std::optional<std::filesystem::path> default_kernel(const std::filesystem::path& boot_dir) {
    utsname host{};
    if (uname(&host) == 0) {
        const auto running = boot_dir / (std::string("vmlinuz-") + host.release);
        if (std::filesystem::is_regular_file(running)) {
            return running;
        }
    }
    std::optional<std::filesystem::path> newest;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(boot_dir, error)) {
        const std::string name = entry.path().filename().string();
        if (!name.starts_with("vmlinuz-") || !entry.is_regular_file()) {
            continue;
        }
        // strverscmp orders 6.1.0-9 before 6.1.0-10, as a person would.
        if (!newest || strverscmp(name.c_str(), newest->filename().c_str()) > 0) {
            newest = entry.path();
        }
    }
    return newest;
}

}  // namespace vmtest::cli
