#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

#include "../support/process_table.hpp"

namespace vmtest::e2e {

// The built vmtest executable, run as a user would: its own process, argv,
// working directory and environment, with stdout and stderr captured.
class VmtestProcess {
  public:
    struct Options {
        std::vector<std::string> args;
        std::filesystem::path cwd;
        std::map<std::string, std::string> env;  // added to / overriding the test's own
    };

    explicit VmtestProcess(const Options& options);
    ~VmtestProcess();  // kills it if still running

    // Reads output until `done(stdout, stderr)` holds or `timeout` passes.
    bool wait_for_output(const std::function<bool(const std::string&, const std::string&)>& done,
                         std::chrono::seconds timeout);
    void send_signal(int signal);
    // Waits for exit (SIGKILL after `timeout`); returns the exit status.
    int wait(std::chrono::seconds timeout);

    const std::string& out() const { return m_out; }
    const std::string& err() const { return m_err; }
    pid_t pid() const { return m_pid; }

  private:
    void pump(std::chrono::milliseconds timeout);

    pid_t m_pid = -1;
    int m_out_fd = -1;
    int m_err_fd = -1;
    std::string m_out;
    std::string m_err;
    int m_status = -1;
};

struct RunResult {
    int status = -1;
    std::string out;
    std::string err;
    double seconds = 0;
};

// Runs vmtest to completion (killed after `timeout`).
RunResult run_vmtest(const VmtestProcess::Options& options,
                     std::chrono::seconds timeout = std::chrono::seconds(300));

// Debian's kernel (the newest /boot/vmlinuz-*), which has virtio, 9p and
// overlay as modules.
std::filesystem::path debian_kernel();
std::string release_of(const std::filesystem::path& kernel);

// qemu-system processes whose command line mentions `needle`.
std::vector<pid_t> qemu_processes_mentioning(const std::string& needle);

using test_support::processes_mentioning;

}  // namespace vmtest::e2e
