// Test helpers: a temporary directory, listening unix sockets, a peer that
// plays the other end of a protocol on its own thread. The fake host is the
// SDK's (vmtest/sdk/testing/fake_host.hpp).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "temp_dir.hpp"

#include "vmtest/plugin-support/deadline.hpp"
#include "vmtest/plugin-support/json_reader.hpp"
#include "vmtest/plugin-support/unix_socket.hpp"

namespace vmtest::protocol::testing {

// Peer-side waits are bounded so a broken test fails instead of hanging.
inline constexpr std::chrono::milliseconds k_peer_timeout{5000};

// A mkdtemp() directory, removed with its contents on destruction.
using TempDir = test_support::TempDir;

// A listening unix socket. Clients can connect as soon as it exists (the
// kernel queues them), accept() picks them up later.
class Listener {
  public:
    explicit Listener(std::string path);
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;
    const std::string& path() const { return m_path; }
    // Throws TimeoutError when no client arrives before `deadline`.
    UnixSocket accept(Deadline deadline, const StopPredicate& should_stop = {});

  private:
    std::string m_path;
    UnixSocket m_socket;
};

// Plays the server side of a conversation on its own thread: accepts one
// connection and runs `script` on it. The destructor sets `stopping` and
// joins, so scripts that must stay silent wait on it.
class SocketPeer {
  public:
    using Script = std::function<void(UnixSocket& connection, const std::atomic<bool>& stopping)>;
    SocketPeer(std::string path, Script script);
    ~SocketPeer();
    SocketPeer(const SocketPeer&) = delete;
    SocketPeer& operator=(const SocketPeer&) = delete;
    const std::string& path() const { return m_listener.path(); }
    // Waits for the script to return; its exception text, "" when none.
    std::string finish();

  private:
    Listener m_listener;
    std::atomic<bool> m_stopping{false};
    std::string m_error;
    std::thread m_thread;
};

// Peer-side helpers, each bounded by k_peer_timeout.
nlohmann::json read_request(UnixSocket& connection, JsonReader& reader);
void send_text(UnixSocket& connection, const std::string& text);
void send_json(UnixSocket& connection, const nlohmann::json& message);
void wait_until(const std::atomic<bool>& flag);

// A stop predicate that turns true `delay` after its creation.
StopPredicate stop_after(std::chrono::milliseconds delay);

}  // namespace vmtest::protocol::testing
