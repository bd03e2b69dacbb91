#include "run/vm_watch.hpp"

#include <fstream>
#include <thread>

#include "run/console_verdict.hpp"
#include "util/cancellation.hpp"

namespace vmtest::run {

namespace {

// Filesystem and console checks cost a little; the runner may ask often.
constexpr auto k_check_interval = std::chrono::milliseconds(50);

}  // namespace

VmWatch::VmWatch(plugin_host::BackendPlugin& backend, std::filesystem::path console_log,
                 plugin_host::SharePlugin* share)
    : m_backend(backend), m_share(share), m_console_log(std::move(console_log)) {}

void VmWatch::set_deadline(Clock::time_point deadline, std::string what, std::string kind) {
    set_deadline_reason(deadline, "timed out " + what, std::move(kind));
}

void VmWatch::set_deadline_reason(Clock::time_point deadline, std::string reason,
                                  std::string kind) {
    m_deadline = deadline;
    m_deadline_reason = std::move(reason);
    m_deadline_kind = std::move(kind);
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
    // A helper first: its death is the cause of whatever follows in the
    // guest or QEMU, and a helper that QEMU's own end stops does not count
    // as dead (see vmtest_share_ops.health).
    if (auto problem = m_share ? m_share->health() : std::nullopt) {
        m_kind = "helper_failed";
        return problem;
    }
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
        m_kind = m_deadline_kind;
        return m_deadline_reason;
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
        if (check_console_line(m_partial_line.substr(start, end - start))) {
            break;
        }
    }
    m_partial_line.erase(0, start);
    // A guest that halted in the middle of a line (the bzImage decompressor
    // does) never ends it: one that stopped growing counts as a line.
    if (!m_console_problem && chunk.empty() && !m_partial_line.empty()) {
        check_console_line(m_partial_line);
    }
    return m_console_problem;
}

bool VmWatch::check_console_line(std::string line) {
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    if (m_line_observer) {
        m_line_observer(line);
    }
    if (auto problem = console_problem(line, m_previous_line)) {
        m_console_problem = problem->message;
        m_console_kind = problem->kind;
        return true;
    }
    if (line.find_first_not_of(" \t") != std::string::npos) {
        m_previous_line = line;
    }
    return false;
}

}  // namespace vmtest::run
