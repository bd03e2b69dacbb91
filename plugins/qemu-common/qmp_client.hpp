// A client for the QEMU Machine Protocol (QMP) on a unix socket: greeting,
// capabilities negotiation, commands with deadlines, and a queue for the
// asynchronous events that arrive between replies. How the protocol works
// is described at the top of qmp_client.cpp.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "vmtest/plugin-support/deadline.hpp"
#include "vmtest/plugin-support/json_reader.hpp"
#include "vmtest/plugin-support/unix_socket.hpp"

namespace vmtest::protocol {

// The emulator's version, from the greeting.
struct QemuVersion {
    int major = 0;
    int minor = 0;
    int micro = 0;
    std::string package;  // distribution suffix, e.g. "Debian 1:7.2+dfsg-7"
};

// An asynchronous event such as SHUTDOWN, STOP or GUEST_PANICKED.
struct QmpEvent {
    std::string name;
    nlohmann::json data = nlohmann::json::object();
    nlohmann::json timestamp = nlohmann::json::object();  // {"seconds", "microseconds"}
};

class QmpClient {
  public:
    // Takes a connected socket; call handshake() before anything else.
    explicit QmpClient(UnixSocket socket, StopPredicate should_stop = {}, LogSink log = {});

    // Connects to `path` (waiting for it to appear) and does the handshake,
    // all before `deadline`.
    static QmpClient connect(const std::string& path, Deadline deadline,
                             StopPredicate should_stop = {}, LogSink log = {});

    // Reads the greeting and leaves negotiation mode with qmp_capabilities.
    void handshake(Deadline deadline);

    const QemuVersion& qemu_version() const { return m_version; }
    const nlohmann::json& greeting() const { return m_greeting; }

    // Runs `command` and returns its "return" member. Events read while
    // waiting are queued. Throws RemoteError (message includes error.desc),
    // TimeoutError, CancelledError or ConnectionClosed. After a timeout the
    // client stays usable: the late reply carries an old id and is dropped.
    nlohmann::json execute(std::string_view command, Deadline deadline);
    nlohmann::json execute(std::string_view command, const nlohmann::json& arguments,
                           Deadline deadline);

    // Queued events, oldest first, removing them from the queue.
    std::vector<QmpEvent> take_events();
    std::optional<QmpEvent> pop_event();

    // The first event named `name`, from the queue or read from the socket
    // until `deadline`; nullopt when it does not come in time. Other events
    // stay queued in order. Throws CancelledError or ConnectionClosed.
    std::optional<QmpEvent> wait_for_event(std::string_view name, Deadline deadline);

    UnixSocket& socket() { return m_socket; }

  private:
    nlohmann::json read_message(Deadline deadline);
    // Queues `message` if it is an event; true when it was one.
    bool queue_if_event(const nlohmann::json& message);

    UnixSocket m_socket;
    JsonReader m_reader;
    StopPredicate m_should_stop;
    LogSink m_log;
    nlohmann::json m_greeting;
    QemuVersion m_version;
    std::deque<QmpEvent> m_events;
    std::int64_t m_next_id = 1;
};

}  // namespace vmtest::protocol
