// The QEMU guest agent protocol
// =============================
//
// qemu-ga is a daemon inside the guest that runs commands on the host's
// behalf. It reads requests from a virtio-serial port; on the host, QEMU
// exposes the other end of that port as a unix socket. The messages are
// QMP-shaped JSON objects - {"execute": NAME, "arguments": {...}} in,
// {"return": ...} or {"error": {"class", "desc"}} out, one reply per
// request, in order - but unlike QMP there is no greeting and no events:
// the agent never speaks first.
//
// The catch is the transport. QEMU accepts our connection on the host side
// whether or not anything listens in the guest: at that point the guest may
// still be booting, and bytes written then are buffered, dropped or
// delivered much later. The agent may also have been restarted in the
// middle of a conversation and hold half a request in its parser, and the
// stream may hold half-sent replies from a previous client. So before
// trusting the stream the client must re-synchronise, and the protocol has
// a command for exactly that, guest-sync-delimited:
//
//   1. Send a 0xFF byte. It is never valid in UTF-8 JSON, and the agent's
//      parser treats it as "throw away whatever you were parsing" (qemu-ga
//      7.2 also answers it with a parse-error reply, which we skip).
//   2. Send {"execute": "guest-sync-delimited", "arguments": {"id": N}}
//      with a random N that was not used before.
//   3. The agent answers with a 0xFF byte followed by {"return": N}. The
//      client discards everything up to that 0xFF - stale data, error
//      replies - then reads objects until one says "return": N. Objects
//      with another number are answers to earlier attempts: skip them.
//
// If no answer comes within about a second, the client starts over with a
// fresh N, because the first request may have been lost while the agent was
// not yet running. It keeps trying until an overall deadline, and between
// reads asks the caller's stop predicate whether to give up (the VM died,
// the user pressed Ctrl-C), so a guest whose agent never starts cannot hang
// us. The spec also asks for a re-sync after any client-side timeout, since
// the late reply would otherwise be taken as the answer to the next request;
// this client marks itself unsynced on a timeout and syncs before the next
// command. On top of that it numbers its requests with "id", which qemu-ga
// echoes in the reply, and drops replies whose id does not match.
//
// The commands used here: guest-info (agent version and the enabled
// commands), guest-exec (start a process, optionally with bytes for its
// stdin, base64 encoded; returns its pid) and
// guest-exec-status (whether it exited, its exit code or signal, and any
// captured output, base64 encoded). Pitfall: qemu-ga 7.2 only returns
// captured output once the process has exited, so live output has to travel
// some other way - the runner plugin uses extra virtio-serial ports.
#include "qga_client.hpp"

#include <algorithm>
#include <utility>

#include "base64.hpp"
#include "vmtest/plugin-support/errors.hpp"
#include "vmtest/plugin-support/qapi_reply.hpp"
#include "vmtest/sdk/bytes.hpp"

namespace vmtest::protocol {
namespace {

constexpr char k_flush_byte = '\xff';
constexpr std::int64_t k_max_sync_id = (std::int64_t{1} << 31) - 1;

std::string excerpt(const nlohmann::json& message) {
    constexpr std::size_t k_excerpt_size = 120;
    std::string text = message.dump();
    if (text.size() > k_excerpt_size) {
        text.resize(k_excerpt_size);
        text += "...";
    }
    return text;
}

int int_member(const nlohmann::json& object, const char* key) {
    const auto found = object.find(key);
    return found != object.end() && found->is_number_integer() ? found->get<int>() : 0;
}

bool bool_member(const nlohmann::json& object, const char* key) {
    const auto found = object.find(key);
    return found != object.end() && found->is_boolean() && found->get<bool>();
}

}  // namespace

QgaClient::QgaClient(UnixSocket socket, StopPredicate should_stop, LogSink log)
    : m_socket(std::move(socket)), m_should_stop(std::move(should_stop)), m_log(std::move(log)),
      m_random(std::random_device{}()) {}

QgaClient QgaClient::connect(const std::string& path, Deadline deadline,
                             std::chrono::milliseconds attempt_timeout, StopPredicate should_stop,
                             LogSink log) {
    UnixSocket socket = UnixSocket::connect(path, deadline, should_stop);
    QgaClient client(std::move(socket), std::move(should_stop), std::move(log));
    client.sync(deadline, attempt_timeout);
    return client;
}

std::int64_t QgaClient::fresh_sync_id() {
    std::uniform_int_distribution<std::int64_t> distribution(1, k_max_sync_id);
    std::int64_t id;
    do {
        id = distribution(m_random);
    } while (id == m_last_sync_id);
    m_last_sync_id = id;
    return id;
}

bool QgaClient::await_sync_reply(std::int64_t id, Deadline deadline) {
    try {
        m_reader.discard_through(k_flush_byte, m_socket, deadline, m_should_stop);
        for (;;) {
            nlohmann::json message;
            try {
                message = m_reader.read_object(m_socket, deadline, m_should_stop);
            } catch (const MalformedMessage&) {
                continue;  // leftovers of an earlier conversation
            }
            const auto result = message.find("return");
            if (result != message.end() && result->is_number_integer() &&
                result->get<std::int64_t>() == id) {
                return true;
            }
            log_debug(m_log, "guest agent sync: skipping " + excerpt(message));
        }
    } catch (const TimeoutError&) {
        return false;
    }
}

void QgaClient::sync(Deadline deadline, std::chrono::milliseconds attempt_timeout) {
    m_synced = false;
    m_sync_attempts = 0;
    if (attempt_timeout <= std::chrono::milliseconds::zero()) {
        attempt_timeout = k_default_sync_attempt;
    }
    for (;;) {
        if (stop_requested(m_should_stop)) {
            throw CancelledError("stopped while waiting for the guest agent");
        }
        const auto now = Clock::now();
        if (now >= deadline) {
            throw TimeoutError("guest agent did not answer (" + std::to_string(m_sync_attempts) +
                               " sync attempts)");
        }
        const Deadline attempt_deadline = std::min(now + attempt_timeout, deadline);
        const std::int64_t id = fresh_sync_id();
        ++m_sync_attempts;
        const nlohmann::json request = {{"execute", "guest-sync-delimited"},
                                        {"arguments", {{"id", id}}}};
        try {
            m_socket.write_all(std::string(1, k_flush_byte) + request.dump() + "\n",
                               attempt_deadline, m_should_stop);
        } catch (const TimeoutError&) {
            continue;  // nobody drains the port yet: the agent is not up
        } catch (const CancelledError&) {
            throw CancelledError("stopped while waiting for the guest agent");
        }
        try {
            if (await_sync_reply(id, attempt_deadline)) {
                m_synced = true;
                log_debug(m_log, "guest agent in sync after " + std::to_string(m_sync_attempts) +
                                     " attempt(s)");
                return;
            }
        } catch (const CancelledError&) {
            throw CancelledError("stopped while waiting for the guest agent");
        } catch (const ConnectionClosed&) {
            throw ConnectionClosed("guest agent channel closed while waiting for the agent");
        }
    }
}

nlohmann::json QgaClient::execute(std::string_view command, const nlohmann::json& arguments,
                                  Deadline deadline) {
    if (!m_synced) {
        sync(deadline);
    }
    const std::string name(command);
    const std::int64_t id = m_next_request_id++;
    nlohmann::json request = {{"execute", name}, {"id", id}};
    if (!arguments.empty()) {
        request["arguments"] = arguments;
    }
    try {
        m_socket.write_all(request.dump() + "\n", deadline, m_should_stop);
        for (;;) {
            const nlohmann::json message = m_reader.read_object(m_socket, deadline, m_should_stop);
            const auto reply_id = message.find("id");
            if (reply_id != message.end() && *reply_id != id) {
                log_debug(m_log, "guest agent: dropping stale reply " + excerpt(message));
                continue;
            }
            if (auto result = qapi_result(message, "guest agent", name)) {
                return *result;
            }
            throw ProtocolError("unexpected guest agent message: " + excerpt(message));
        }
    } catch (const TimeoutError&) {
        m_synced = false;
        throw TimeoutError("guest agent command '" + name + "' timed out");
    } catch (const CancelledError&) {
        m_synced = false;
        throw CancelledError("guest agent command '" + name + "' cancelled");
    } catch (const ConnectionClosed&) {
        m_synced = false;
        throw ConnectionClosed("guest agent channel closed during '" + name + "'");
    } catch (const MalformedMessage&) {
        m_synced = false;
        throw;
    }
}

QgaInfo QgaClient::guest_info(Deadline deadline) {
    const nlohmann::json result = execute("guest-info", nlohmann::json::object(), deadline);
    QgaInfo info;
    info.version_text = result.value("version", std::string());
    info.version = QgaVersion::parse(info.version_text).value_or(QgaVersion{});
    for (const auto& command : result.value("supported_commands", nlohmann::json::array())) {
        if (command.is_object() && command.value("enabled", true)) {
            info.commands.push_back(command.value("name", std::string()));
        }
    }
    return info;
}

std::int64_t QgaClient::guest_exec(const QgaExecRequest& request, Deadline deadline) {
    nlohmann::json arguments = {{"path", request.path},
                                {"arg", request.args},
                                {"capture-output", request.capture_output}};
    if (request.env) {
        arguments["env"] = *request.env;
    }
    if (request.input_data) {
        arguments["input-data"] = sdk::base64_encode(*request.input_data);
    }
    const nlohmann::json result = execute("guest-exec", arguments, deadline);
    const auto pid = result.find("pid");
    if (!result.is_object() || pid == result.end() || !pid->is_number_integer()) {
        throw ProtocolError("guest-exec returned no pid: " + excerpt(result));
    }
    return pid->get<std::int64_t>();
}

QgaExecStatus QgaClient::guest_exec_status(std::int64_t pid, Deadline deadline) {
    const nlohmann::json result = execute("guest-exec-status", {{"pid", pid}}, deadline);
    if (!result.is_object()) {
        throw ProtocolError("guest-exec-status returned " + excerpt(result));
    }
    QgaExecStatus status;
    status.exited = bool_member(result, "exited");
    status.exit_code = int_member(result, "exitcode");
    status.signal = int_member(result, "signal");
    status.out_data = base64_decode(result.value("out-data", std::string()));
    status.err_data = base64_decode(result.value("err-data", std::string()));
    status.out_truncated = bool_member(result, "out-truncated");
    status.err_truncated = bool_member(result, "err-truncated");
    return status;
}

}  // namespace vmtest::protocol
