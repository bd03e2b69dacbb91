// The last part of a stream of output, bounded, so that a chatty command
// cannot make a reporter hold gigabytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vmtest::report {

class OutputTail {
  public:
    explicit OutputTail(std::size_t limit) : m_limit(limit) {}

    void append(std::string_view data);

    // At most `limit` bytes: everything, or the end of the output starting
    // at a line boundary (a partial first line would only mislead).
    std::string text() const;
    // How many bytes of the output's beginning text() no longer has.
    std::size_t dropped() const;
    bool empty() const { return m_data.empty(); }
    // Frees what text() no longer shows, once no more output will come.
    void shrink();

  private:
    std::size_t start() const;  // where text() begins in m_data

    std::size_t m_limit;
    std::string m_data;         // up to twice the limit, trimmed in bulk
    std::size_t m_trimmed = 0;  // bytes already erased from m_data's front
    bool m_front_mid_line = false;  // m_data begins in the middle of a line
};

}  // namespace vmtest::report
