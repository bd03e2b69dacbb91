#pragma once

#include <chrono>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace vmtest::util {

// How a child process ended.
struct ChildExit {
    int exit_code = 0;  // exit status, or 128 + N when killed by signal N
    int signal = 0;     // N when killed by a signal, else 0
};

struct SpawnOptions {
    std::vector<std::string> argv;  // argv[0] is looked up in PATH
    std::optional<std::filesystem::path> stdout_file;  // default: /dev/null
    std::optional<std::filesystem::path> stderr_file;  // default: /dev/null
    // Keep vmtest's own stdin and stdout (an interactive session) instead
    // of /dev/null and stdout_file.
    bool inherit_stdio = false;
    // Descriptors the child keeps, at the same numbers (e.g. a listening
    // socket passed as --fd=N); they may be close-on-exec in vmtest. Every
    // other descriptor above 2 is closed in the child before exec, so a
    // child never inherits what another thread opened meanwhile (with -j,
    // one target's sockets and pipes would otherwise live on in another
    // target's QEMU).
    std::vector<int> keep_fds{};
};

// A child process that cannot outlive vmtest. It gets its own process group
// (so a terminal's Ctrl-C reaches vmtest alone, which then tears the child
// down in order) and PR_SET_PDEATHSIG=SIGKILL, so even `kill -9 vmtest`
// leaves no orphan QEMU or virtiofsd. Spawn from a thread that lives as long
// as the child: the death signal follows the thread that forked.
//
// wait_for, poll, send_signal and terminate may be called from two threads
// at once (a backend's stop comes while its wait blocks): reaping and
// signalling take turns, so a signal never reaches a reaped pid's successor.
class ChildProcess {
  public:
    explicit ChildProcess(const SpawnOptions& options);
    ~ChildProcess();  // terminates the child if it still runs
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return m_pid; }

    // The exit, once the child has ended; waits at most `timeout`.
    std::optional<ChildExit> wait_for(std::chrono::milliseconds timeout);
    // Non-blocking check.
    std::optional<ChildExit> poll() { return wait_for(std::chrono::milliseconds(0)); }
    // SIGTERM, then SIGKILL after `grace`; returns how it ended.
    ChildExit terminate(std::chrono::milliseconds grace);
    void send_signal(int signal);

  private:
    pid_t m_pid = -1;
    bool m_own_group = true;
    std::mutex m_mutex;  // guards m_exit, reaping and signalling
    std::optional<ChildExit> m_exit;
};

}  // namespace vmtest::util
