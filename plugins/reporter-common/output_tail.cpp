#include "output_tail.hpp"

namespace vmtest::report {

namespace {

// A line longer than this is not worth keeping whole: cut anywhere.
constexpr std::size_t k_longest_line_kept_whole = 4096;

}  // namespace

void OutputTail::append(std::string_view data) {
    m_data.append(data);
    // Trimming only once the buffer doubles keeps appends amortised O(1).
    if (m_data.size() > 2 * m_limit) {
        const std::size_t excess = m_data.size() - m_limit;
        m_front_mid_line = m_data[excess - 1] != '\n';
        m_data.erase(0, excess);
        m_trimmed += excess;
    }
}

std::size_t OutputTail::start() const {
    std::size_t start = m_data.size() > m_limit ? m_data.size() - m_limit : 0;
    const bool mid_line = start > 0 ? m_data[start - 1] != '\n' : m_front_mid_line;
    if (!mid_line) {
        return start;
    }
    const std::size_t newline = m_data.find('\n', start);
    if (newline != std::string::npos && newline - start < k_longest_line_kept_whole) {
        return newline + 1;
    }
    // Cut inside a long line, but not inside a UTF-8 character: skip the
    // (at most 3) continuation bytes of one the cut fell into.
    for (int i = 0; i < 3 && start < m_data.size() &&
                    (static_cast<unsigned char>(m_data[start]) & 0xC0) == 0x80;
         ++i) {
        ++start;
    }
    return start;
}

void OutputTail::shrink() {
    const std::size_t skip = start();
    m_data.erase(0, skip);
    m_data.shrink_to_fit();
    m_trimmed += skip;
    m_front_mid_line = false;  // what start() chose to keep is kept
}

std::string OutputTail::text() const { return m_data.substr(start()); }

std::size_t OutputTail::dropped() const { return m_trimmed + start(); }

}  // namespace vmtest::report
