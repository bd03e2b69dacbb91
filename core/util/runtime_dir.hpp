#pragma once

#include <filesystem>

namespace vmtest::util {

// A private directory (mode 0700) for one run's sockets and temp files,
// removed with everything in it when the object goes away. Every run has its
// own, so parallel vmtest runs never collide on a socket name.
class RuntimeDir {
  public:
    // Creates `vmtest.XXXXXX` under $XDG_RUNTIME_DIR, else $TMPDIR, else /tmp.
    RuntimeDir();
    ~RuntimeDir();
    RuntimeDir(const RuntimeDir&) = delete;
    RuntimeDir& operator=(const RuntimeDir&) = delete;

    const std::filesystem::path& path() const { return m_path; }

  private:
    std::filesystem::path m_path;
};

}  // namespace vmtest::util
