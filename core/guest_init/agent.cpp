#include "agent.hpp"

#include "console_log.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace vmtest::boot::init {

namespace {

// Only async-signal-safe calls between fork and exec.
[[noreturn]] void exec_agent(const std::string& path, char* const* argv) {
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGCHLD, SIG_DFL);
    ::setsid();
    int console = ::open("/dev/console", O_RDWR | O_NOCTTY);
    if (console >= 0) {
        ::dup2(console, 0);
        ::dup2(console, 1);
        ::dup2(console, 2);
        if (console > 2) {
            ::close(console);
        }
    }
    static char path_env[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    static char home_env[] = "HOME=/root";
    static char term_env[] = "TERM=linux";
    char* const envp[] = {path_env, home_env, term_env, nullptr};
    ::execve(path.c_str(), argv, envp);
    static const char message[] = "vmtest-init: FATAL: cannot execute the guest agent\n";
    ::write(2, message, sizeof(message) - 1);
    ::_exit(127);
}

}  // namespace

StartedAgent start_agent(const std::vector<std::string>& candidates,
                         const std::vector<std::string>& args) {
    StartedAgent agent;
    for (const auto& candidate : candidates) {
        if (::access(candidate.c_str(), X_OK) == 0) {
            agent.path = candidate;
            break;
        }
    }
    if (agent.path.empty()) {
        std::string looked_for;
        for (const auto& candidate : candidates) {
            looked_for += looked_for.empty() ? "" : ", ";
            looked_for += candidate;
        }
        fatal("no guest agent found in the guest's root (looked for: %s)", looked_for.c_str());
    }

    // Built before fork: allocating in the child of a (single-threaded, but
    // still) forked process is best avoided.
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(agent.path.c_str()));
    for (const auto& arg : args) {
        argv.push_back(const_cast<char*>(arg.c_str()));
    }
    argv.push_back(nullptr);

    agent.pid = ::fork();
    if (agent.pid < 0) {
        fatal("cannot start the guest agent %s: fork: %s", agent.path.c_str(), std::strerror(errno));
    }
    if (agent.pid == 0) {
        exec_agent(agent.path, argv.data());
    }
    log_info("started guest agent %s (pid %d)", agent.path.c_str(), static_cast<int>(agent.pid));
    return agent;
}

}  // namespace vmtest::boot::init
