// The QEMU Machine Protocol
// =========================
//
// QMP is how a program controls a running QEMU: JSON objects over a byte
// stream, here a unix socket that QEMU listens on. Each side sends one
// object per message; QEMU ends each with CRLF, but the framing used here
// (json_reader.cpp) counts braces and does not depend on that.
//
// The conversation starts with QEMU speaking first. As soon as a client
// connects it sends a greeting,
//     {"QMP": {"version": {"qemu": {"major": 7, "minor": 2, "micro": 0},
//                          "package": "..."}, "capabilities": ["oob"]}}
// and then sits in "negotiation mode", where the only command it accepts is
// qmp_capabilities. The client sends {"execute": "qmp_capabilities"}, gets
// {"return": {}}, and is in command mode from then on.
//
// A command is {"execute": NAME, "arguments": {...}, "id": ANY}. QEMU
// answers each command exactly once, in order, with either
// {"return": VALUE, "id": ...} or {"error": {"class": ..., "desc": ...},
// "id": ...}; the id is whatever the client sent, echoed back. This client
// numbers its commands and uses the echo to drop replies to commands it
// already gave up on (after a timeout), so one slow reply cannot be
// mistaken for the answer to the next question. Replies without an id are
// accepted: QEMU omits it when it could not even parse the request.
//
// Independently of commands, QEMU sends events whenever something happens:
// {"event": "SHUTDOWN", "data": {...}, "timestamp": {...}}. They can arrive
// at any moment, including between a command and its reply, so whoever
// reads a reply must be ready to find events first. This client queues them
// in arrival order for the caller to take later.
//
// Pitfalls: QEMU closes the socket on `quit` or when the VM dies, possibly
// in the middle of a message, which surfaces here as ConnectionClosed; a
// hung QEMU simply stops answering, which every read bounds by a deadline.
#include "qmp_client.hpp"

#include <utility>

#include "vmtest/plugin-support/errors.hpp"
#include "vmtest/plugin-support/qapi_reply.hpp"

namespace vmtest::protocol {
namespace {

constexpr std::size_t k_excerpt_size = 120;

std::string excerpt(const nlohmann::json& message) {
    std::string text = message.dump();
    if (text.size() > k_excerpt_size) {
        text.resize(k_excerpt_size);
        text += "...";
    }
    return text;
}

int version_part(const nlohmann::json& qemu, const char* key) {
    const auto found = qemu.find(key);
    return found != qemu.end() && found->is_number_integer() ? found->get<int>() : 0;
}

}  // namespace

QmpClient::QmpClient(UnixSocket socket, StopPredicate should_stop, LogSink log)
    : m_socket(std::move(socket)), m_should_stop(std::move(should_stop)), m_log(std::move(log)) {}

QmpClient QmpClient::connect(const std::string& path, Deadline deadline,
                             StopPredicate should_stop, LogSink log) {
    UnixSocket socket = UnixSocket::connect(path, deadline, should_stop);
    QmpClient client(std::move(socket), std::move(should_stop), std::move(log));
    client.handshake(deadline);
    return client;
}

nlohmann::json QmpClient::read_message(Deadline deadline) {
    for (;;) {
        nlohmann::json message = m_reader.read_object(m_socket, deadline, m_should_stop);
        if (message.is_object()) {
            return message;
        }
    }
}

bool QmpClient::queue_if_event(const nlohmann::json& message) {
    const auto name = message.find("event");
    if (name == message.end()) {
        return false;
    }
    QmpEvent event;
    event.name = name->is_string() ? name->get<std::string>() : name->dump();
    event.data = message.value("data", nlohmann::json::object());
    event.timestamp = message.value("timestamp", nlohmann::json::object());
    log_debug(m_log, "QMP event " + event.name);
    m_events.push_back(std::move(event));
    return true;
}

void QmpClient::handshake(Deadline deadline) {
    try {
        nlohmann::json message = read_message(deadline);
        while (queue_if_event(message)) {
            message = read_message(deadline);
        }
        const auto qmp = message.find("QMP");
        if (qmp == message.end() || !qmp->is_object()) {
            throw ProtocolError("expected a QMP greeting, got " + excerpt(message));
        }
        m_greeting = message;
        const nlohmann::json version = qmp->value("version", nlohmann::json::object());
        const nlohmann::json qemu = version.value("qemu", nlohmann::json::object());
        m_version.major = version_part(qemu, "major");
        m_version.minor = version_part(qemu, "minor");
        m_version.micro = version_part(qemu, "micro");
        m_version.package = version.value("package", std::string());
    } catch (const TimeoutError&) {
        throw TimeoutError("timed out waiting for the QMP greeting");
    } catch (const ConnectionClosed&) {
        throw ConnectionClosed("QMP connection closed before the greeting");
    }
    log_debug(m_log, "QMP greeting from QEMU " + std::to_string(m_version.major) + "." +
                         std::to_string(m_version.minor) + "." +
                         std::to_string(m_version.micro));
    execute("qmp_capabilities", deadline);
}

nlohmann::json QmpClient::execute(std::string_view command, Deadline deadline) {
    return execute(command, nlohmann::json::object(), deadline);
}

nlohmann::json QmpClient::execute(std::string_view command, const nlohmann::json& arguments,
                                  Deadline deadline) {
    const std::int64_t id = m_next_id++;
    nlohmann::json request = {{"execute", command}, {"id", id}};
    if (!arguments.empty()) {
        request["arguments"] = arguments;
    }
    const std::string name(command);
    try {
        m_socket.write_all(request.dump() + "\n", deadline, m_should_stop);
        for (;;) {
            nlohmann::json message = read_message(deadline);
            if (queue_if_event(message)) {
                continue;
            }
            const auto reply_id = message.find("id");
            if (reply_id != message.end() && *reply_id != id) {
                log_debug(m_log, "QMP dropping stale reply " + excerpt(message));
                continue;
            }
            if (auto result = qapi_result(message, "QMP", name)) {
                return *result;
            }
            if (message.contains("QMP")) {
                continue;  // a greeting repeated by a confused peer; harmless
            }
            throw ProtocolError("unexpected QMP message: " + excerpt(message));
        }
    } catch (const TimeoutError&) {
        throw TimeoutError("QMP command '" + name + "' timed out");
    } catch (const ConnectionClosed&) {
        throw ConnectionClosed("QMP connection closed during '" + name + "'");
    } catch (const CancelledError&) {
        throw CancelledError("QMP command '" + name + "' cancelled");
    }
}

std::vector<QmpEvent> QmpClient::take_events() {
    std::vector<QmpEvent> events(std::make_move_iterator(m_events.begin()),
                                 std::make_move_iterator(m_events.end()));
    m_events.clear();
    return events;
}

std::optional<QmpEvent> QmpClient::pop_event() {
    if (m_events.empty()) {
        return std::nullopt;
    }
    QmpEvent event = std::move(m_events.front());
    m_events.pop_front();
    return event;
}

std::optional<QmpEvent> QmpClient::wait_for_event(std::string_view name, Deadline deadline) {
    auto take_queued = [&]() -> std::optional<QmpEvent> {
        for (auto it = m_events.begin(); it != m_events.end(); ++it) {
            if (it->name == name) {
                QmpEvent event = std::move(*it);
                m_events.erase(it);
                return event;
            }
        }
        return std::nullopt;
    };
    if (auto event = take_queued()) {
        return event;
    }
    for (;;) {
        nlohmann::json message;
        try {
            message = read_message(deadline);
        } catch (const TimeoutError&) {
            return std::nullopt;
        }
        if (queue_if_event(message) && m_events.back().name == name) {
            QmpEvent event = std::move(m_events.back());
            m_events.pop_back();
            return event;
        }
        // Anything else here is a stale reply to a timed-out command.
    }
}

}  // namespace vmtest::protocol
