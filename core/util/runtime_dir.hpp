#pragma once

#include <filesystem>

namespace vmtest::util {

// A private directory (mode 0700) for one run's sockets and temp files,
// removed with everything in it when the object goes away. Every run has its
// own, so parallel vmtest runs never collide on a socket name.
//
// A run killed with SIGKILL cannot remove its directory, so each directory
// holds a lock file, flock()ed for the directory's lifetime: the kernel
// drops the lock when its holder dies, however it dies, so a directory
// whose lock can be taken belongs to a run that is gone (no PID to be
// reused). Every new RuntimeDir first removes those under its base.
class RuntimeDir {
  public:
    // Creates `vmtest.XXXXXX` under `base`, after removing the directories
    // there of runs that are gone.
    explicit RuntimeDir(const std::filesystem::path& base = runtime_base());
    ~RuntimeDir();
    RuntimeDir(const RuntimeDir&) = delete;
    RuntimeDir& operator=(const RuntimeDir&) = delete;

    const std::filesystem::path& path() const { return m_path; }

    // $XDG_RUNTIME_DIR, else $TMPDIR, else /tmp; a variable that is
    // relative, or not a directory this user can write to, is ignored.
    static std::filesystem::path runtime_base();

  private:
    std::filesystem::path m_path;
    int m_lock_fd = -1;
};

// Removes the runtime directories under `base` of runs that are gone: ours
// (same user), named vmtest.XXXXXX, with a lock file nobody holds. A
// directory without a lock file is left alone (a run setting itself up, or
// an older vmtest's). Returns how many were removed.
int remove_stale_runtime_dirs(const std::filesystem::path& base);

}  // namespace vmtest::util
