#include "temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace vmtest::test_support {

TempDir::TempDir() {
    // Short: unix socket paths in it must stay under 108 bytes.
    std::string pattern = (std::filesystem::temp_directory_path() / "vmtest-test.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp " + pattern + " failed: " + std::strerror(errno));
    }
    m_path = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
}

}  // namespace vmtest::test_support
