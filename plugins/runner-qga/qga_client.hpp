// A client for the QEMU guest agent (qemu-ga) protocol, spoken over the
// host end of a virtio-serial port (a unix socket QEMU listens on). How the
// protocol works, and why the sync handshake is shaped as it is, is
// described at the top of qga_client.cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "vmtest/plugin-support/deadline.hpp"
#include "vmtest/plugin-support/json_reader.hpp"
#include "qga_version.hpp"
#include "vmtest/plugin-support/unix_socket.hpp"

namespace vmtest::protocol {

// What guest-info reports.
struct QgaInfo {
    std::string version_text;         // as sent, e.g. "7.2.22"
    QgaVersion version;               // parsed; {0, 0} when unparseable
    std::vector<std::string> commands;  // enabled commands
};

// Arguments of guest-exec.
struct QgaExecRequest {
    std::string path;                               // program; the agent searches PATH
    std::vector<std::string> args;                  // argv[1..]; the agent supplies argv[0]
    std::optional<std::vector<std::string>> env;    // "NAME=value"; nullopt inherits the agent's
    bool capture_output = false;
    // Bytes for the process's stdin, sent base64 ("input-data"), so unlike
    // every other member they need not be UTF-8; nullopt: no stdin data.
    std::optional<std::string> input_data;
};

// Result of guest-exec-status. Output fields are only filled when the
// process was started with capture_output, and (qemu-ga < 8.x) only once it
// has exited.
struct QgaExecStatus {
    bool exited = false;
    int exit_code = 0;  // meaningful when exited and signal == 0
    int signal = 0;     // the signal that killed it, 0 if none
    std::string out_data;  // decoded
    std::string err_data;  // decoded
    bool out_truncated = false;
    bool err_truncated = false;
};

class QgaClient {
  public:
    static constexpr std::chrono::milliseconds k_default_sync_attempt{1000};

    // Takes a connected socket; call sync() before anything else (execute
    // does it implicitly when needed).
    explicit QgaClient(UnixSocket socket, StopPredicate should_stop = {}, LogSink log = {});

    // Connects to `path` (waiting for it to appear) and syncs, all before
    // `deadline`.
    static QgaClient connect(const std::string& path, Deadline deadline,
                             std::chrono::milliseconds attempt_timeout = k_default_sync_attempt,
                             StopPredicate should_stop = {}, LogSink log = {});

    // Waits until the agent answers a guest-sync-delimited, re-sending one
    // with a fresh id every `attempt_timeout`. Returns as soon as it
    // answers; throws TimeoutError at `deadline`, CancelledError as soon as
    // the stop predicate says so, ConnectionClosed if the socket goes away.
    void sync(Deadline deadline, std::chrono::milliseconds attempt_timeout = k_default_sync_attempt);
    bool synced() const { return m_synced; }
    // How many guest-sync-delimited requests the last sync() sent.
    int last_sync_attempts() const { return m_sync_attempts; }

    // Runs `command` and returns its "return" member. Syncs first if the
    // stream is not known to be in sync (initially, after a timeout).
    // Throws RemoteError (message includes error.desc), TimeoutError,
    // CancelledError or ConnectionClosed.
    nlohmann::json execute(std::string_view command, const nlohmann::json& arguments,
                           Deadline deadline);

    QgaInfo guest_info(Deadline deadline);
    // Starts a process in the guest and returns its pid.
    std::int64_t guest_exec(const QgaExecRequest& request, Deadline deadline);
    QgaExecStatus guest_exec_status(std::int64_t pid, Deadline deadline);

    UnixSocket& socket() { return m_socket; }

  private:
    std::int64_t fresh_sync_id();
    // One sync attempt: true when the reply with `id` arrived by `deadline`.
    bool await_sync_reply(std::int64_t id, Deadline deadline);

    UnixSocket m_socket;
    JsonReader m_reader;
    StopPredicate m_should_stop;
    LogSink m_log;
    std::mt19937_64 m_random;
    std::int64_t m_last_sync_id = 0;
    std::int64_t m_next_request_id = 1;
    bool m_synced = false;
    int m_sync_attempts = 0;
};

}  // namespace vmtest::protocol
