// Splits a socket's byte stream into JSON objects (or lines), buffering
// whatever arrived beyond the current message. See json_reader.cpp for the
// framing rules. The reader does not own the socket, so a client can keep
// both as members and stay movable.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "vmtest/plugin-support/deadline.hpp"
#include "vmtest/plugin-support/unix_socket.hpp"

namespace vmtest::protocol {

class JsonReader {
  public:
    // Larger messages are refused: a peer streaming endless garbage must not
    // eat the host's memory. guest-exec-status with captured output is the
    // biggest legitimate message (qemu-ga caps output at 16 MiB, base64).
    static constexpr std::size_t k_max_message_size = 64 * 1024 * 1024;

    // The next top-level JSON object. Bytes between objects that cannot
    // start one (whitespace, stray bytes) are skipped; a 0xFF byte throws
    // away any partly received object. Throws TimeoutError, CancelledError,
    // ConnectionClosed, or MalformedMessage for an object that does not
    // parse (the reader is positioned after it and usable again).
    nlohmann::json read_object(UnixSocket& socket, Deadline deadline,
                               const StopPredicate& should_stop = {});

    // The next line, without its "\n" or "\r\n". Same exceptions.
    std::string read_line(UnixSocket& socket, Deadline deadline,
                          const StopPredicate& should_stop = {});

    // Drops buffered and incoming bytes up to and including the first
    // `delimiter`. Same exceptions.
    void discard_through(char delimiter, UnixSocket& socket, Deadline deadline,
                         const StopPredicate& should_stop = {});

    // Drops everything buffered.
    void clear();

    std::size_t buffered_size() const { return m_buffer.size(); }

  private:
    std::optional<std::string> next_object_text();
    void reset_framing();
    void fill(UnixSocket& socket, Deadline deadline, const StopPredicate& should_stop);

    std::string m_buffer;
    std::size_t m_scan = 0;       // next byte of m_buffer the framer has not looked at
    bool m_in_object = false;     // m_buffer starts with the '{' of a partial object
    int m_depth = 0;              // open braces/brackets in that object
    bool m_in_string = false;
    bool m_escaped = false;
};

}  // namespace vmtest::protocol
