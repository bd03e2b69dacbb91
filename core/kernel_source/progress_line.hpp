// A status line on stderr that redraws itself ("vmtest: downloading URL:
// 12.5 of 101.5 MiB (12%)"), for the long steps before anything boots. Only
// on a terminal, and not with VMTEST_NO_UI: in a log, a line redrawn a
// hundred times is noise, and a failure still says what happened in one
// line of its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace vmtest::kernel_source {

class ProgressLine {
  public:
    // Enabled when stderr is a terminal and VMTEST_NO_UI is not set.
    ProgressLine();
    // For tests: draws on `fd` when `enabled`.
    ProgressLine(bool enabled, int fd);
    ~ProgressLine();
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    bool enabled() const { return m_enabled; }

    // Replaces the line with "vmtest: <text>". Redraws at most every
    // 100 ms unless `force`, so a fast transfer does not flood the terminal.
    void show(std::string_view text, bool force = false);
    // Erases the line, leaving the cursor where it started.
    void clear();

  private:
    bool m_enabled;
    int m_fd;
    bool m_shown = false;
    std::chrono::steady_clock::time_point m_last_drawn{};
};

// "12.5 of 101.5 MiB (12%)", or "12.5 MiB" when the total is unknown (0).
std::string describe_transfer(std::uint64_t done, std::uint64_t total);

} // namespace vmtest::kernel_source
