// A connected AF_UNIX stream socket that owns its file descriptor.
//
// The descriptor is non-blocking; every operation that has to wait does so
// with poll() against an absolute deadline, checking an optional stop
// predicate at least every k_stop_poll_interval. Errors are exceptions from
// protocol/errors.hpp.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "vmtest/plugin-support/deadline.hpp"

namespace vmtest::protocol {

class UnixSocket {
  public:
    enum class ReadStatus { data, would_block, end_of_stream };
    struct ReadResult {
        ReadStatus status = ReadStatus::would_block;
        std::size_t size = 0;
    };

    UnixSocket() noexcept = default;
    // Takes ownership of `fd` and makes it non-blocking.
    explicit UnixSocket(int fd);
    ~UnixSocket();
    UnixSocket(UnixSocket&& other) noexcept;
    UnixSocket& operator=(UnixSocket&& other) noexcept;
    UnixSocket(const UnixSocket&) = delete;
    UnixSocket& operator=(const UnixSocket&) = delete;

    // Connects to the socket at `path`. While the path does not exist yet or
    // nobody accepts on it (the emulator is still starting), retries until
    // `deadline`. Throws TimeoutError, CancelledError or ProtocolError.
    static UnixSocket connect(const std::string& path, Deadline deadline,
                              const StopPredicate& should_stop = {});

    bool is_open() const noexcept { return m_fd >= 0; }
    int fd() const noexcept { return m_fd; }
    void close() noexcept;

    // Reads what is available right now, never waiting.
    ReadResult read_available(std::span<char> buffer);

    // Waits until at least one byte arrives and returns how many were read
    // (> 0). Throws TimeoutError, CancelledError, or ConnectionClosed at end
    // of stream.
    std::size_t read_some(std::span<char> buffer, Deadline deadline,
                          const StopPredicate& should_stop = {});

    // True once reading will not block (data or end of stream), false when
    // `deadline` passes first. Throws CancelledError.
    bool wait_readable(Deadline deadline, const StopPredicate& should_stop = {}) const;

    // Writes all of `data`. Throws TimeoutError, CancelledError or
    // ConnectionClosed; a partial write may have happened then.
    void write_all(std::string_view data, Deadline deadline, const StopPredicate& should_stop = {});

  private:
    int m_fd = -1;
};

}  // namespace vmtest::protocol
