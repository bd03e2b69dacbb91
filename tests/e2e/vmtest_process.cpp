#include "vmtest_process.hpp"

#include <algorithm>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

#include "boot/kernel_image.hpp"

extern char** environ;

namespace vmtest::e2e {

VmtestProcess::VmtestProcess(const Options& options) {
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
        throw std::runtime_error("pipe failed");
    }
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) {
        const std::string entry = *e;
        const auto name = entry.substr(0, entry.find('='));
        if (!options.env.count(name)) {
            env_strings.push_back(entry);
        }
    }
    for (const auto& [name, value] : options.env) {
        env_strings.push_back(name + "=" + value);
    }
    std::vector<char*> envp, argv;
    for (auto& e : env_strings) {
        envp.push_back(e.data());
    }
    envp.push_back(nullptr);
    std::vector<std::string> args{VMTEST_BINARY};
    args.insert(args.end(), options.args.begin(), options.args.end());
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    m_pid = fork();
    if (m_pid == 0) {
        dup2(out[1], 1);
        dup2(err[1], 2);
        const int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) {
            _exit(126);
        }
        execve(argv[0], argv.data(), envp.data());
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    m_out_fd = out[0];
    m_err_fd = err[0];
}

VmtestProcess::~VmtestProcess() {
    if (m_status < 0 && m_pid > 0) {
        kill(m_pid, SIGKILL);
        waitpid(m_pid, nullptr, 0);
    }
    if (m_out_fd >= 0) close(m_out_fd);
    if (m_err_fd >= 0) close(m_err_fd);
}

void VmtestProcess::pump(std::chrono::milliseconds timeout) {
    pollfd fds[2] = {{m_out_fd, POLLIN, 0}, {m_err_fd, POLLIN, 0}};
    if (poll(fds, 2, static_cast<int>(timeout.count())) <= 0) {
        return;
    }
    char buffer[65536];
    for (int i = 0; i < 2; ++i) {
        if (fds[i].revents & (POLLIN | POLLHUP)) {
            const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
            if (n > 0) {
                (i == 0 ? m_out : m_err).append(buffer, static_cast<std::size_t>(n));
            } else if (n == 0) {
                close(fds[i].fd);
                (i == 0 ? m_out_fd : m_err_fd) = -1;
            }
        }
    }
}

bool VmtestProcess::wait_for_output(
    const std::function<bool(const std::string&, const std::string&)>& done,
    std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done(m_out, m_err)) {
            return true;
        }
        if (m_out_fd < 0 && m_err_fd < 0) {
            return done(m_out, m_err);
        }
        pump(std::chrono::milliseconds(50));
    }
    return done(m_out, m_err);
}

void VmtestProcess::send_signal(int signal) { kill(m_pid, signal); }

int VmtestProcess::wait(std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (m_status < 0) {
        pump(std::chrono::milliseconds(20));
        int status = 0;
        if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            kill(m_pid, SIGKILL);
        }
    }
    while (m_out_fd >= 0 || m_err_fd >= 0) {
        pump(std::chrono::milliseconds(100));
    }
    return m_status;
}

RunResult run_vmtest(const VmtestProcess::Options& options, std::chrono::seconds timeout) {
    const auto started = std::chrono::steady_clock::now();
    VmtestProcess process(options);
    RunResult result;
    result.status = process.wait(timeout);
    result.out = process.out();
    result.err = process.err();
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

std::filesystem::path debian_kernel() {
    std::filesystem::path newest;
    for (const auto& entry : std::filesystem::directory_iterator("/boot")) {
        const auto name = entry.path().filename().string();
        if (name.starts_with("vmlinuz-") &&
            (newest.empty() || strverscmp(name.c_str(), newest.filename().c_str()) > 0)) {
            newest = entry.path();
        }
    }
    return newest;
}

std::string release_of(const std::filesystem::path& kernel) {
    return boot::inspect(kernel).release;
}

std::vector<pid_t> qemu_processes_mentioning(const std::string& needle) {
    std::vector<pid_t> found;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const auto name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        std::ifstream in(entry.path() / "cmdline", std::ios::binary);
        std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (cmdline.find("qemu-system") != std::string::npos &&
            cmdline.find(needle) != std::string::npos) {
            found.push_back(std::stoi(name));
        }
    }
    return found;
}

}  // namespace vmtest::e2e
