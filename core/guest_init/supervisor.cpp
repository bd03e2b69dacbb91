// The control port protocol, briefly: a virtio-serial port the host opens
// as a socket. The init writes "ready\n" once the guest agent is started;
// the host writes commands, one per line. The only command is "poweroff",
// which shuts the guest down cleanly (QEMU then exits with status 0).
// While no host is connected, the port reports POLLHUP and reads return 0,
// so the loop then sleeps briefly between checks instead of spinning.

#include "supervisor.hpp"

#include "console_log.hpp"
#include "power.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace vmtest::boot::init {

namespace {

constexpr long k_disconnected_poll_ms = 50;
constexpr std::size_t k_max_line = 4096;

void on_sigchld(int) {}

// Reaps every exited child; shuts down if one of them was the agent.
void reap_children(const StartedAgent& agent) {
    for (;;) {
        int status = 0;
        pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid <= 0) {
            return;
        }
        if (pid != agent.pid) {
            continue;
        }
        if (WIFEXITED(status)) {
            log_info("guest agent %s exited with status %d", agent.path.c_str(), WEXITSTATUS(status));
        } else if (WIFSIGNALED(status)) {
            log_info("guest agent %s was killed by signal %d (%s)", agent.path.c_str(),
                     WTERMSIG(status), strsignal(WTERMSIG(status)));
        }
        shut_down();
    }
}

// Waits for `fd` (or, with fd < 0, just for `timeout_ms`) with SIGCHLD
// unblocked only while sleeping, so a child exit never goes unnoticed.
short wait_for(int fd, short events, long timeout_ms) {
    sigset_t unblocked;
    ::sigprocmask(SIG_SETMASK, nullptr, &unblocked);
    sigdelset(&unblocked, SIGCHLD);
    pollfd entry{fd, events, 0};
    timespec timeout{timeout_ms / 1000, (timeout_ms % 1000) * 1000000};
    int ready = ::ppoll(&entry, fd >= 0 ? 1 : 0, timeout_ms < 0 ? nullptr : &timeout, &unblocked);
    return ready > 0 ? entry.revents : 0;
}

class ControlChannel {
public:
    ControlChannel(const StartedAgent& agent, const std::string& port) : m_agent(agent) {
        m_path = "/dev/virtio-ports/" + port;
        m_fd = ::open(m_path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (m_fd < 0) {
            fatal("cannot open the control port %s: %s", m_path.c_str(), std::strerror(errno));
        }
    }

    [[noreturn]] void run() {
        for (;;) {
            reap_children(m_agent);
            short want = POLLIN | (m_ready_sent ? 0 : POLLOUT);
            short got = wait_for(m_fd, want, -1);
            reap_children(m_agent);
            if ((got & POLLOUT) && !m_ready_sent) {
                send_ready();
            }
            if (got & POLLIN) {
                read_commands();
            } else if (got & (POLLHUP | POLLERR)) {
                // Host not connected: nothing to do until it is.
                wait_for(-1, 0, k_disconnected_poll_ms);
            }
        }
    }

private:
    void send_ready() {
        static const char k_ready[] = "ready\n";
        ssize_t n = ::write(m_fd, k_ready, sizeof(k_ready) - 1);
        if (n == static_cast<ssize_t>(sizeof(k_ready) - 1)) {
            m_ready_sent = true;
            log_debug("sent ready on %s", m_path.c_str());
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
            log_warning("cannot write to the control port %s: %s", m_path.c_str(), std::strerror(errno));
            wait_for(-1, 0, k_disconnected_poll_ms);
        }
    }

    void read_commands() {
        char buffer[512];
        ssize_t n = ::read(m_fd, buffer, sizeof(buffer));
        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR) {
                log_warning("cannot read the control port %s: %s", m_path.c_str(), std::strerror(errno));
                wait_for(-1, 0, k_disconnected_poll_ms);
            }
            return;
        }
        if (n == 0) {
            // EOF: the host disconnected. Keep waiting for it to come back.
            m_line.clear();
            wait_for(-1, 0, k_disconnected_poll_ms);
            return;
        }
        for (ssize_t i = 0; i < n; ++i) {
            if (buffer[i] == '\n') {
                handle(m_line);
                m_line.clear();
            } else if (m_line.size() < k_max_line) {
                m_line += buffer[i];
            }
        }
    }

    void handle(const std::string& command) {
        if (command == "poweroff") {
            log_info("poweroff requested by the host");
            shut_down();
        }
        log_warning("ignoring unknown control command '%s'", command.c_str());
    }

    const StartedAgent& m_agent;
    std::string m_path;
    int m_fd = -1;
    bool m_ready_sent = false;
    std::string m_line;
};

}  // namespace

void prepare_child_signals() {
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    ::sigprocmask(SIG_BLOCK, &chld, nullptr);
    struct sigaction action {};
    action.sa_handler = on_sigchld;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGCHLD, &action, nullptr);
}

void supervise(const StartedAgent& agent, const std::string& control_port) {
    if (!control_port.empty()) {
        ControlChannel channel(agent, control_port);
        channel.run();
    }
    for (;;) {
        reap_children(agent);
        wait_for(-1, 0, -1);
    }
}

}  // namespace vmtest::boot::init
