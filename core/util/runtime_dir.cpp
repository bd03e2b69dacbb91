#include "util/runtime_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>

namespace vmtest::util {

namespace {

std::filesystem::path base_directory() {
    for (const char* name : {"XDG_RUNTIME_DIR", "TMPDIR"}) {
        const char* value = std::getenv(name);
        if (value && *value && std::filesystem::is_directory(value)) {
            return value;
        }
    }
    return "/tmp";
}

}  // namespace

RuntimeDir::RuntimeDir() {
    std::string pattern = (base_directory() / "vmtest.XXXXXX").string();
    // mkdtemp creates the directory with mode 0700.
    if (!mkdtemp(pattern.data())) {
        throw std::runtime_error("cannot create a runtime directory " + pattern + ": " +
                                 std::strerror(errno));
    }
    m_path = pattern;
}

RuntimeDir::~RuntimeDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
}

}  // namespace vmtest::util
