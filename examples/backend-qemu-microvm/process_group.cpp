#include "process_group.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace microvm {

namespace {

constexpr auto k_poll_interval = std::chrono::milliseconds(5);
constexpr auto k_reap_limit = std::chrono::seconds(10);

// Between fork and exec only async-signal-safe calls.
[[noreturn]] void exec_child(std::vector<char*>& argv, int stdout_fd, int stderr_fd,
                             pid_t parent) {
    setpgid(0, 0);
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
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(stdout_fd, 1) < 0 || dup2(stderr_fd, 2) < 0) {
        _exit(127);
    }
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

ProcessGroup::ProcessGroup(const std::vector<std::string>& argv, int stdout_fd, int stderr_fd) {
    if (argv.empty()) {
        throw std::invalid_argument("ProcessGroup: empty argv");
    }
    std::vector<char*> args;
    for (const auto& arg : argv) {
        args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    const pid_t parent = getpid();
    m_pid = fork();
    if (m_pid < 0) {
        throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(errno));
    }
    if (m_pid == 0) {
        exec_child(args, stdout_fd, stderr_fd, parent);
    }
    // Also from this side, so a signal sent before the child ran setpgid
    // still reaches the group.
    setpgid(m_pid, m_pid);
}

ProcessGroup::~ProcessGroup() { terminate(std::chrono::seconds(1)); }

std::optional<ChildExit> ProcessGroup::poll() {
    std::lock_guard lock(m_mutex);
    if (!m_exit) {
        int status = 0;
        const pid_t got = waitpid(m_pid, &status, WNOHANG);
        if (got == m_pid) {
            m_exit = decode(status);
        } else if (got < 0 && errno != EINTR) {
            m_exit = ChildExit{127, 0};  // not our child any more: nothing to wait for
        }
    }
    return m_exit;
}

std::optional<ChildExit> ProcessGroup::wait_for(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        if (auto exit = poll()) {
            return exit;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(k_poll_interval);
    }
}

void ProcessGroup::signal_group(int signal) {
    std::lock_guard lock(m_mutex);
    if (!m_exit) {  // once reaped, the ids may belong to someone else
        kill(-m_pid, signal);
        kill(m_pid, signal);
    }
}

ChildExit ProcessGroup::terminate(std::chrono::milliseconds grace) {
    if (auto exit = poll()) {
        return *exit;
    }
    signal_group(SIGTERM);
    if (auto exit = wait_for(grace)) {
        return *exit;
    }
    signal_group(SIGKILL);
    return wait_for(k_reap_limit).value_or(ChildExit{128 + SIGKILL, SIGKILL});
}

}  // namespace microvm
