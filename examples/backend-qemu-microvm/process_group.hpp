// A child process in a process group of its own: started, waited for with
// a timeout, stopped with SIGTERM and then SIGKILL.
//
// This is the smallest piece of process handling a backend needs, kept in
// its own file so that it can be replaced by the SDK's plugin-support
// library (which offers the same) once that is installed with vmtest.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace microvm {

// How a child ended: exit_code is its status, or 128+N when signal N killed it.
struct ChildExit {
    int exit_code = 0;
    int signal = 0;
};

class ProcessGroup {
  public:
    // Starts `argv` (looked up in PATH) in a new process group, with stdin
    // from /dev/null and stdout and stderr on the given descriptors (which
    // the caller keeps). The child gets SIGKILL if the thread that started
    // it dies, so it never outlives a killed vmtest. Throws
    // std::runtime_error when it cannot fork.
    ProcessGroup(const std::vector<std::string>& argv, int stdout_fd, int stderr_fd);
    ProcessGroup(const ProcessGroup&) = delete;
    ProcessGroup& operator=(const ProcessGroup&) = delete;
    // Stops the group if it still runs.
    ~ProcessGroup();

    pid_t pid() const { return m_pid; }

    // The exit, once the child has exited; waits up to `timeout` for it.
    // Safe to call from two threads at once (vmtest may call a backend's
    // stop while its wait blocks).
    std::optional<ChildExit> wait_for(std::chrono::milliseconds timeout);

    // SIGTERM to the whole group, SIGKILL after `grace`; returns the exit.
    ChildExit terminate(std::chrono::milliseconds grace);

  private:
    std::optional<ChildExit> poll();
    void signal_group(int signal);

    pid_t m_pid = -1;
    std::mutex m_mutex;  // guards m_exit and reaping
    std::optional<ChildExit> m_exit;
};

}  // namespace microvm
