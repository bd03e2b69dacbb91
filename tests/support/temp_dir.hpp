// The tests' one temporary directory: private (mkdtemp, 0700), removed with
// everything in it when the test is done.
#pragma once

#include <filesystem>
#include <string>

namespace vmtest::test_support {

class TempDir {
  public:
    // Throws std::runtime_error when no directory could be made.
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return m_path; }
    // path() / name, as text (sockets and arguments want strings).
    std::string file(const std::string& name) const { return (m_path / name).string(); }

  private:
    std::filesystem::path m_path;
};

}  // namespace vmtest::test_support
