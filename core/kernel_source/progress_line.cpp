#include "kernel_source/progress_line.hpp"

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace vmtest::kernel_source {
namespace {

constexpr auto k_redraw_interval = std::chrono::milliseconds(100);

bool stderr_wants_progress() {
    const char* no_ui = std::getenv("VMTEST_NO_UI");
    return ::isatty(STDERR_FILENO) == 1 && (no_ui == nullptr || *no_ui == '\0');
}

void write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t written = ::write(fd, text.data(), text.size());
        if (written <= 0) {
            return; // a status line is not worth failing for
        }
        text.remove_prefix(static_cast<std::size_t>(written));
    }
}

} // namespace

ProgressLine::ProgressLine() : ProgressLine(stderr_wants_progress(), STDERR_FILENO) {}

ProgressLine::ProgressLine(bool enabled, int fd) : m_enabled(enabled), m_fd(fd) {}

ProgressLine::~ProgressLine() {
    clear();
}

void ProgressLine::show(std::string_view text, bool force) {
    if (!m_enabled) {
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (m_shown && !force && now - m_last_drawn < k_redraw_interval) {
        return;
    }
    m_last_drawn = now;
    m_shown = true;
    // Carriage return, the text, then erase whatever a longer line left.
    write_all(m_fd, "\rvmtest: " + std::string(text) + "\033[K");
}

void ProgressLine::clear() {
    if (m_enabled && m_shown) {
        write_all(m_fd, "\r\033[K");
        m_shown = false;
    }
}

std::string describe_transfer(std::uint64_t done, std::uint64_t total) {
    constexpr double k_mib = 1024.0 * 1024.0;
    char text[96];
    if (total == 0) {
        std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(done) / k_mib);
    } else {
        std::snprintf(text, sizeof text, "%.1f of %.1f MiB (%d%%)",
                      static_cast<double>(done) / k_mib, static_cast<double>(total) / k_mib,
                      static_cast<int>(done * 100 / total));
    }
    return text;
}

} // namespace vmtest::kernel_source
