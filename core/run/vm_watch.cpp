#include "run/vm_watch.hpp"

#include <cstring>
#include <fstream>
#include <thread>

#include "util/cancellation.hpp"

namespace vmtest::run {

namespace {

// The first line of a panic, and the line our init prints when it cannot
// go on; either means the guest will not answer.
constexpr const char* k_panic = "Kernel panic - not syncing";
constexpr const char* k_init_fatal = "vmtest-init: FATAL: ";

// Filesystem and console checks cost a little; the runner may ask often.
constexpr auto k_check_interval = std::chrono::milliseconds(50);

}  // namespace

VmWatch::VmWatch(plugin_host::BackendPlugin& backend, std::filesystem::path console_log)
    : m_backend(backend), m_console_log(std::move(console_log)) {}

void VmWatch::set_deadline(Clock::time_point deadline, std::string what) {
    m_deadline = deadline;
    m_deadline_what = std::move(what);
}

std::optional<std::string> VmWatch::stop_reason() {
    if (m_reason) {
        return m_reason;
    }
    if (util::cancellation_requested()) {
        m_interrupted = true;
        m_kind = "interrupted";
        return m_reason = "interrupted";
    }
    const auto now = Clock::now();
    if (now < m_next_check) {
        return std::nullopt;
    }
    m_next_check = now + k_check_interval;
    m_reason = check();
    return m_reason;
}

std::optional<std::string> VmWatch::diagnose(std::chrono::milliseconds settle) {
    const auto give_up = Clock::now() + settle;
    while (!m_reason) {
        m_reason = check();
        if (m_reason || Clock::now() >= give_up) {
            break;
        }
        std::this_thread::sleep_for(k_check_interval);
    }
    return m_reason;
}

std::optional<std::string> VmWatch::check() {
    if (auto problem = scan_console()) {
        m_kind = m_console_kind;
        return problem;
    }
    if (!m_exit) {
        m_exit = m_backend.wait(std::chrono::milliseconds(0));
    }
    if (m_exit) {
        // QEMU may exit a moment after the panic lines are written.
        if (auto problem = scan_console()) {
            m_kind = m_console_kind;
            return problem;
        }
        m_kind = "vm_exit";
        std::string reason = "the VM exited unexpectedly (status " +
                             std::to_string(m_exit->exit_code) + ")";
        if (!m_exit->detail.empty()) {
            reason += ": " + m_exit->detail;
        }
        return reason;
    }
    if (Clock::now() >= m_deadline) {
        m_timed_out = true;
        m_kind = "timeout";
        return "timed out " + m_deadline_what;
    }
    return std::nullopt;
}

std::optional<std::string> VmWatch::scan_console() {
    if (m_console_problem) {
        return m_console_problem;
    }
    std::ifstream in(m_console_log, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    in.seekg(static_cast<std::streamoff>(m_scanned));
    std::string chunk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    m_scanned += chunk.size();
    m_partial_line += chunk;
    std::size_t start = 0;
    for (std::size_t end; (end = m_partial_line.find('\n', start)) != std::string::npos;
         start = end + 1) {
        std::string line = m_partial_line.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (const auto at = line.find(k_panic); at != std::string::npos) {
            m_console_problem = "the guest kernel panicked: " + line.substr(at);
            m_console_kind = "kernel_panic";
        } else if (const auto at = line.find(k_init_fatal); at != std::string::npos) {
            m_console_problem = "the guest's init failed: " + line.substr(at + strlen(k_init_fatal));
            m_console_kind = "init_failed";
        }
        if (m_console_problem) {
            break;
        }
    }
    m_partial_line.erase(0, start);
    return m_console_problem;
}

}  // namespace vmtest::run
