#include "vmtest/plugin-support/child_process.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace vmtest::util {

namespace {

// Closes every descriptor in [first, last]: close_range where the kernel
// has it (5.9+), one by one up to the descriptor limit otherwise.
void close_descriptors(unsigned first, unsigned last) {
    if (first > last || close_range(first, last, 0) == 0) {
        return;
    }
    rlimit limit{};
    const unsigned highest = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY
                                 ? static_cast<unsigned>(limit.rlim_cur - 1)
                                 : 65535U;
    for (unsigned fd = first; fd <= std::min(last, highest); ++fd) {
        close(static_cast<int>(fd));
    }
}

// Closes every descriptor above 2 but `keep` (sorted, each above 2), and
// lets those survive exec.
void close_all_but(const std::vector<int>& keep) {
    unsigned next = 3;
    for (int fd : keep) {
        close_descriptors(next, static_cast<unsigned>(fd) - 1);
        fcntl(fd, F_SETFD, 0);
        next = static_cast<unsigned>(fd) + 1;
    }
    close_descriptors(next, ~0U);
}

// Only async-signal-safe calls between fork and exec.
[[noreturn]] void exec_child(const std::vector<char*>& argv, const char* out, const char* err,
                             pid_t parent, bool inherit_stdio, const std::vector<int>& keep_fds) {
    // An interactive child stays in vmtest's process group, which owns the
    // terminal; it could not read from it otherwise.
    if (!inherit_stdio) {
        setpgid(0, 0);
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) {
        _exit(127);  // the parent died before prctl took effect
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) {
        ::signal(signal, SIG_DFL);
    }
    int in_fd = open("/dev/null", O_RDONLY);
    int out_fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int err_fd = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (in_fd < 0 || out_fd < 0 || err_fd < 0) {
        _exit(127);
    }
    if (!inherit_stdio) {
        dup2(in_fd, 0);
        dup2(out_fd, 1);
    }
    dup2(err_fd, 2);
    close_all_but(keep_fds);
    execvp(argv[0], argv.data());
    const char prefix[] = "cannot execute ";
    (void)!write(2, prefix, sizeof(prefix) - 1);
    (void)!write(2, argv[0], strlen(argv[0]));
    (void)!write(2, "\n", 1);
    _exit(127);
}

ChildExit decode(int status) {
    if (WIFSIGNALED(status)) {
        return {128 + WTERMSIG(status), WTERMSIG(status)};
    }
    return {WEXITSTATUS(status), 0};
}

}  // namespace

ChildProcess::ChildProcess(const SpawnOptions& options) {
    if (options.argv.empty()) {
        throw std::invalid_argument("ChildProcess: empty argv");
    }
    std::vector<char*> argv;
    for (const auto& arg : options.argv) {
        argv.push_back(const_cast<char*>(arg.c_str()));
    }
    argv.push_back(nullptr);
    // Sorted and checked before fork: the child may only call what is
    // async-signal-safe.
    std::vector<int> keep_fds = options.keep_fds;
    std::sort(keep_fds.begin(), keep_fds.end());
    keep_fds.erase(std::unique(keep_fds.begin(), keep_fds.end()), keep_fds.end());
    if (!keep_fds.empty() && keep_fds.front() <= 2) {
        throw std::invalid_argument("ChildProcess: keep_fds must be above 2 (stdio is set apart)");
    }
    const std::string out = options.stdout_file ? options.stdout_file->string() : "/dev/null";
    const std::string err = options.stderr_file ? options.stderr_file->string() : "/dev/null";
    const pid_t parent = getpid();
    m_pid = fork();
    if (m_pid < 0) {
        throw std::runtime_error(std::string("cannot start ") + options.argv[0] + ": " +
                                 std::strerror(errno));
    }
    if (m_pid == 0) {
        exec_child(argv, out.c_str(), err.c_str(), parent, options.inherit_stdio, keep_fds);
    }
    m_own_group = !options.inherit_stdio;
    if (m_own_group) {
        // Also from the parent side, so a signal sent before the child ran
        // setpgid still reaches the right group.
        setpgid(m_pid, m_pid);
    }
}

ChildProcess::~ChildProcess() {
    if (!poll()) {
        terminate(std::chrono::milliseconds(2000));
    }
}

std::optional<ChildExit> ChildProcess::wait_for(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        {
            std::lock_guard lock(m_mutex);
            if (m_exit) {
                return m_exit;
            }
            int status = 0;
            const pid_t got = waitpid(m_pid, &status, WNOHANG);
            if (got == m_pid) {
                m_exit = decode(status);
                return m_exit;
            }
            if (got < 0 && errno != EINTR) {
                m_exit = ChildExit{127, 0};  // not our child any more; nothing to wait for
                return m_exit;
            }
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return std::nullopt;
        }
        // Outside the lock: another thread may reap or signal meanwhile.
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

void ChildProcess::send_signal(int signal) {
    std::lock_guard lock(m_mutex);
    if (!m_exit) {
        // The whole group: QEMU's own helpers go too.
        if (m_own_group) {
            kill(-m_pid, signal);
        }
        kill(m_pid, signal);
    }
}

ChildExit ChildProcess::terminate(std::chrono::milliseconds grace) {
    send_signal(SIGTERM);
    if (auto exit = wait_for(grace)) {
        return *exit;
    }
    send_signal(SIGKILL);
    return wait_for(std::chrono::milliseconds(10000)).value_or(ChildExit{137, SIGKILL});
}

}  // namespace vmtest::util
