#include "qmp_client.hpp"

#include <thread>

#include <gtest/gtest.h>

#include "vmtest/plugin-support/errors.hpp"
#include "../../support/protocol_peer.hpp"

namespace vmtest::protocol {
namespace {

using namespace std::chrono_literals;
using testing::read_request;
using testing::send_json;
using testing::send_text;
using testing::SocketPeer;
using testing::TempDir;

const nlohmann::json k_greeting = nlohmann::json::parse(R"({"QMP": {"version": {"qemu":
    {"micro": 1, "minor": 2, "major": 7}, "package": "Debian 1:7.2+dfsg-7"},
    "capabilities": ["oob"]}})");

// Greets and accepts qmp_capabilities, as QEMU does.
void greet(UnixSocket& connection, JsonReader& reader) {
    send_json(connection, k_greeting);
    const nlohmann::json request = read_request(connection, reader);
    if (request.value("execute", "") != "qmp_capabilities") {
        throw std::runtime_error("expected qmp_capabilities, got " + request.dump());
    }
    send_json(connection, {{"return", nlohmann::json::object()}, {"id", request["id"]}});
}

QmpClient connect(const SocketPeer& peer) {
    return QmpClient::connect(peer.path(), deadline_after(5s));
}

TEST(QmpClient, HandshakeReadsTheVersionAndNegotiates) {
    TempDir dir;
    SocketPeer peer(dir.file("qmp.sock"), [](UnixSocket& connection, const auto&) {
        JsonReader reader;
        greet(connection, reader);
    });
    QmpClient client = connect(peer);
    EXPECT_EQ(client.qemu_version().major, 7);
    EXPECT_EQ(client.qemu_version().minor, 2);
    EXPECT_EQ(client.qemu_version().micro, 1);
    EXPECT_EQ(client.qemu_version().package, "Debian 1:7.2+dfsg-7");
    EXPECT_EQ(peer.finish(), "");
}

TEST(QmpClient, RefusesAPeerThatDoesNotGreet) {
    TempDir dir;
    SocketPeer peer(dir.file("qmp.sock"), [](UnixSocket& connection, const auto& stopping) {
        send_json(connection, {{"hello", 1}});
        testing::wait_until(stopping);
    });
    EXPECT_THROW(connect(peer), ProtocolError);
}

TEST(QmpClient, ExecuteReturnsTheReturnMember) {
    TempDir dir;
    SocketPeer peer(dir.file("qmp.sock"), [](UnixSocket& connection, const auto&) {
        JsonReader reader;
        greet(connection, reader);
        const nlohmann::json request = read_request(connection, reader);
        if (request["execute"] != "query-status" || request.contains("arguments")) {
            throw std::runtime_error("unexpected request " + request.dump());
        }
        send_json(connection, {{"return", {{"status", "running"}, {"running", true}}},
                               {"id", request["id"]}});
        const nlohmann::json with_args = read_request(connection, reader);
        // A reply without id (QEMU omits it when it could not parse the id).
        send_json(connection, {{"return", with_args["arguments"]}});
    });
    QmpClient client = connect(peer);
    const nlohmann::json status = client.execute("query-status", deadline_after(2s));
    EXPECT_EQ(status["status"], "running");
    const nlohmann::json echoed =
        client.execute("human-monitor-command", {{"command-line", "info"}}, deadline_after(2s));
    EXPECT_EQ(echoed["command-line"], "info");
    EXPECT_EQ(peer.finish(), "");
}

TEST(QmpClient, ErrorReplyBecomesAnExceptionWithTheDescription) {
    TempDir dir;
    SocketPeer peer(dir.file("qmp.sock"), [](UnixSocket& connection, const auto&) {
        JsonReader reader;
        greet(connection, reader);
        const nlohmann::json request = read_request(connection, reader);
        send_json(connection,
                  {{"error", {{"class", "CommandNotFound"},
                              {"desc", "The command bogus has not been found"}}},
                   {"id", request["id"]}});
    });
    QmpClient client = connect(peer);
    try {
        client.execute("bogus", deadline_after(2s));
        FAIL() << "no exception";
    } catch (const RemoteError& e) {
        EXPECT_NE(std::string(e.what()).find("The command bogus has not been found"),
                  std::string::npos);
        EXPECT_EQ(e.error_class(), "CommandNotFound");
        EXPECT_EQ(e.description(), "The command bogus has not been found");
    }
}

TEST(QmpClient, EventsBeforeTheReplyAreQueued) {
    TempDir dir;
    SocketPeer peer(dir.file("qmp.sock"), [](UnixSocket& connection, const auto&) {
        JsonReader reader;
        greet(connection, reader);
        const nlohmann::json request = read_request(connection, reader);
        send_json(connection, {{"event", "STOP"},
                               {"timestamp", {{"seconds", 1}, {"microseconds", 2}}}});
        send_json(connection, {{"event", "GUEST_PANICKED"}, {"data", {{"action", "pause"}}}});
        send_json(connection, {{"return", {{"status", "paused"}}}, {"id", request["id"]}});
        std::this_thread::sleep_for(100ms);
        send_json(connection, {{"event", "SHUTDOWN"}, {"data", {{"guest", true}}}});
    });
    QmpClient client = connect(peer);
    EXPECT_EQ(client.execute("query-status", deadline_after(2s))["status"], "paused");

    const std::optional<QmpEvent> panic = client.wait_for_event("GUEST_PANICKED", deadline_after(1s));
    ASSERT_TRUE(panic.has_value());
    EXPECT_EQ(panic->data["action"], "pause");
    // SHUTDOWN has not been read yet: waiting reads it from the socket.
    const std::optional<QmpEvent> shutdown = client.wait_for_event("SHUTDOWN", deadline_after(2s));
    ASSERT_TRUE(shutdown.has_value());
    EXPECT_EQ(shutdown->data["guest"], true);

    const std::vector<QmpEvent> rest = client.take_events();
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_EQ(rest[0].name, "STOP");
    EXPECT_EQ(rest[0].timestamp["seconds"], 1);
    EXPECT_FALSE(client.pop_event().has_value());
    EXPECT_EQ(peer.finish(), "");
}

TEST(QmpClient, WaitForEventGivesUpAtTheDeadline) {
    TempDir dir;
    SocketPeer peer(dir.file("qmp.sock"), [](UnixSocket& connection, const auto& stopping) {
        JsonReader reader;
        greet(connection, reader);
        testing::wait_until(stopping);
    });
    QmpClient client = connect(peer);
    const auto started = Clock::now();
    EXPECT_FALSE(client.wait_for_event("SHUTDOWN", deadline_after(150ms)).has_value());
    EXPECT_LT(Clock::now() - started, 1s);
}

TEST(QmpClient, PeerClosingMidReplyIsAConnectionError) {
    TempDir dir;
    SocketPeer peer(dir.file("qmp.sock"), [](UnixSocket& connection, const auto&) {
        JsonReader reader;
        greet(connection, reader);
        read_request(connection, reader);
        send_text(connection, R"({"return": {"sta)");
    });
    QmpClient client = connect(peer);
    try {
        client.execute("query-status", deadline_after(2s));
        FAIL() << "no exception";
    } catch (const ConnectionClosed& e) {
        EXPECT_STREQ(e.what(), "QMP connection closed during 'query-status'");
    }
}

TEST(QmpClient, DeadlineIsHonouredAndALateReplyIsDropped) {
    TempDir dir;
    SocketPeer peer(dir.file("qmp.sock"), [](UnixSocket& connection, const auto&) {
        JsonReader reader;
        greet(connection, reader);
        const nlohmann::json slow = read_request(connection, reader);
        const nlohmann::json next = read_request(connection, reader);
        send_json(connection, {{"return", "late"}, {"id", slow["id"]}});
        send_json(connection, {{"return", "fresh"}, {"id", next["id"]}});
    });
    QmpClient client = connect(peer);
    const auto started = Clock::now();
    EXPECT_THROW(client.execute("query-status", deadline_after(200ms)), TimeoutError);
    const auto elapsed = Clock::now() - started;
    EXPECT_GE(elapsed, 200ms);
    EXPECT_LT(elapsed, 1s);
    EXPECT_EQ(client.execute("query-status", deadline_after(2s)), "fresh");
    EXPECT_EQ(peer.finish(), "");
}

TEST(QmpClient, StopPredicateCancelsAWait) {
    TempDir dir;
    SocketPeer peer(dir.file("qmp.sock"), [](UnixSocket& connection, const auto& stopping) {
        JsonReader reader;
        greet(connection, reader);
        testing::wait_until(stopping);
    });
    UnixSocket socket = UnixSocket::connect(peer.path(), deadline_after(2s));
    QmpClient client(std::move(socket), testing::stop_after(300ms));
    client.handshake(deadline_after(2s));
    const auto started = Clock::now();
    EXPECT_THROW(client.execute("query-status", deadline_after(30s)), CancelledError);
    EXPECT_LT(Clock::now() - started, 1s);
}

}  // namespace
}  // namespace vmtest::protocol
