// Exceptions thrown by the protocol layer. Callers tell apart "too slow",
// "asked to stop", "the other side went away" and "the other side said no",
// because each one leads to a different status at the plugin boundary.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace vmtest::protocol {

// Base of everything below; also thrown for plain protocol violations.
class ProtocolError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A deadline passed before the peer answered.
class TimeoutError : public ProtocolError {
  public:
    using ProtocolError::ProtocolError;
};

// The caller's stop predicate said to give up.
class CancelledError : public ProtocolError {
  public:
    using ProtocolError::ProtocolError;
};

// The peer closed the connection (or it broke) while we needed it.
class ConnectionClosed : public ProtocolError {
  public:
    using ProtocolError::ProtocolError;
};

// The peer sent bytes that are not the JSON we expect.
class MalformedMessage : public ProtocolError {
  public:
    using ProtocolError::ProtocolError;
};

// The peer answered a command with {"error": {"class": ..., "desc": ...}}.
class RemoteError : public ProtocolError {
  public:
    RemoteError(const std::string& message, std::string error_class, std::string description)
        : ProtocolError(message), m_error_class(std::move(error_class)),
          m_description(std::move(description)) {}
    const std::string& error_class() const { return m_error_class; }
    const std::string& description() const { return m_description; }

  private:
    std::string m_error_class;
    std::string m_description;
};

}  // namespace vmtest::protocol
