#include "qga_client.hpp"

#include <set>

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

std::int64_t sync_id(const nlohmann::json& request) {
    if (request.value("execute", "") != "guest-sync-delimited") {
        throw std::runtime_error("expected guest-sync-delimited, got " + request.dump());
    }
    return request["arguments"]["id"].get<std::int64_t>();
}

// Answers one sync request the way qemu-ga 7.2 does, parse error included.
void answer_sync(UnixSocket& connection, JsonReader& reader) {
    const std::int64_t id = sync_id(read_request(connection, reader));
    send_text(connection,
              R"({"error": {"class": "GenericError", "desc": "JSON parse error, stray '\uFFFD'"}})"
              "\n\xff" +
                  nlohmann::json({{"return", id}}).dump() + "\n");
}

QgaClient connect_client(const std::string& path, StopPredicate should_stop = {}) {
    return QgaClient(UnixSocket::connect(path, deadline_after(2s)), std::move(should_stop));
}

TEST(QgaClient, SyncSkipsGarbageAndStaleReplies) {
    TempDir dir;
    SocketPeer peer(dir.file("qga.sock"), [](UnixSocket& connection, const auto&) {
        JsonReader reader;
        const std::int64_t id = sync_id(read_request(connection, reader));
        const std::string stale = nlohmann::json({{"return", id + 1}}).dump();
        const std::string right = nlohmann::json({{"return", id}}).dump();
        // Leftovers of an earlier client, a stale sync answer after the
        // sentinel, a half object cut off by the next sentinel, then ours.
        send_text(connection, "garbage{\"return\": " + std::to_string(id) + "}\n{\"part");
        send_text(connection, "\xff" + stale + "\n{\"half\": \"cut\xff" + right + "\n");
    });
    QgaClient client = connect_client(peer.path());
    client.sync(deadline_after(5s));
    EXPECT_TRUE(client.synced());
    EXPECT_EQ(client.last_sync_attempts(), 1);
    EXPECT_EQ(peer.finish(), "");
}

TEST(QgaClient, SyncRetriesUntilTheAgentAnswers) {
    TempDir dir;
    std::set<std::int64_t> ids;
    SocketPeer peer(dir.file("qga.sock"), [&ids](UnixSocket& connection, const auto&) {
        JsonReader reader;
        ids.insert(sync_id(read_request(connection, reader)));  // lost: agent not up yet
        ids.insert(sync_id(read_request(connection, reader)));  // lost too
        const std::int64_t third = sync_id(read_request(connection, reader));
        ids.insert(third);
        send_text(connection, "\xff" + nlohmann::json({{"return", third}}).dump() + "\n");
    });
    QgaClient client = connect_client(peer.path());
    const auto started = Clock::now();
    client.sync(deadline_after(5s), 150ms);
    const auto elapsed = Clock::now() - started;
    EXPECT_EQ(client.last_sync_attempts(), 3);
    EXPECT_GE(elapsed, 300ms);
    EXPECT_LT(elapsed, 2s);
    EXPECT_EQ(peer.finish(), "");
    EXPECT_EQ(ids.size(), 3u) << "every attempt needs a fresh id";
}

TEST(QgaClient, SyncReturnsPromptlyWhenAskedToStop) {
    TempDir dir;
    SocketPeer peer(dir.file("qga.sock"), [](UnixSocket&, const auto& stopping) {
        testing::wait_until(stopping);  // accepts, never answers
    });
    QgaClient client = connect_client(peer.path(), testing::stop_after(300ms));
    const auto started = Clock::now();
    EXPECT_THROW(client.sync(deadline_after(30s), 1s), CancelledError);
    const auto elapsed = Clock::now() - started;
    EXPECT_LT(elapsed, 1s);
}

TEST(QgaClient, SyncGivesUpAtTheOverallDeadline) {
    TempDir dir;
    SocketPeer peer(dir.file("qga.sock"), [](UnixSocket&, const auto& stopping) {
        testing::wait_until(stopping);
    });
    QgaClient client = connect_client(peer.path());
    const auto started = Clock::now();
    EXPECT_THROW(client.sync(deadline_after(400ms), 150ms), TimeoutError);
    const auto elapsed = Clock::now() - started;
    EXPECT_GE(elapsed, 400ms);
    EXPECT_LT(elapsed, 1s);
    EXPECT_GE(client.last_sync_attempts(), 3);
}

TEST(QgaClient, SyncReportsAClosedChannel) {
    TempDir dir;
    SocketPeer peer(dir.file("qga.sock"), [](UnixSocket&, const auto&) {});
    QgaClient client = connect_client(peer.path());
    peer.finish();
    EXPECT_THROW(client.sync(deadline_after(2s)), ConnectionClosed);
}

TEST(QgaClient, ExecAndStatusRoundTrip) {
    TempDir dir;
    nlohmann::json exec_arguments;
    SocketPeer peer(dir.file("qga.sock"), [&](UnixSocket& connection, const auto&) {
        JsonReader reader;
        answer_sync(connection, reader);
        const nlohmann::json info = read_request(connection, reader);
        send_json(connection,
                  {{"return",
                    {{"version", "7.2.22"},
                     {"supported_commands",
                      {{{"name", "guest-exec"}, {"enabled", true}},
                       {{"name", "guest-shutdown"}, {"enabled", false}}}}}},
                   {"id", info["id"]}});
        const nlohmann::json exec = read_request(connection, reader);
        exec_arguments = exec["arguments"];
        send_json(connection, {{"return", {{"pid", 4242}}}, {"id", exec["id"]}});
        const nlohmann::json status = read_request(connection, reader);
        send_json(connection, {{"return", {{"exited", false}}}, {"id", status["id"]}});
        const nlohmann::json done = read_request(connection, reader);
        if (done["arguments"]["pid"] != 4242) {
            throw std::runtime_error("wrong pid " + done.dump());
        }
        send_json(connection, {{"return",
                                {{"exited", true},
                                 {"exitcode", 3},
                                 {"out-data", "aGkK"},
                                 {"out-truncated", false}}},
                               {"id", done["id"]}});
    });
    QgaClient client = connect_client(peer.path());
    client.sync(deadline_after(2s));

    const QgaInfo info = client.guest_info(deadline_after(2s));
    EXPECT_EQ(info.version_text, "7.2.22");
    EXPECT_EQ(info.version, (QgaVersion{7, 2}));
    EXPECT_EQ(info.commands, std::vector<std::string>{"guest-exec"});

    QgaExecRequest request;
    request.path = "/bin/sh";
    request.args = {"-c", "echo hi; exit 3"};
    request.env = std::vector<std::string>{"PATH=/bin"};
    EXPECT_EQ(client.guest_exec(request, deadline_after(2s)), 4242);
    EXPECT_FALSE(client.guest_exec_status(4242, deadline_after(2s)).exited);
    const QgaExecStatus status = client.guest_exec_status(4242, deadline_after(2s));
    EXPECT_TRUE(status.exited);
    EXPECT_EQ(status.exit_code, 3);
    EXPECT_EQ(status.signal, 0);
    EXPECT_EQ(status.out_data, "hi\n");
    EXPECT_EQ(peer.finish(), "");
    EXPECT_EQ(exec_arguments, nlohmann::json::parse(R"({"path": "/bin/sh",
        "arg": ["-c", "echo hi; exit 3"], "env": ["PATH=/bin"], "capture-output": false})"));
}

TEST(QgaClient, ErrorReplyCarriesTheDescription) {
    TempDir dir;
    SocketPeer peer(dir.file("qga.sock"), [](UnixSocket& connection, const auto&) {
        JsonReader reader;
        answer_sync(connection, reader);
        const nlohmann::json request = read_request(connection, reader);
        send_json(connection, {{"error", {{"class", "GenericError"},
                                          {"desc", "Invalid parameter 'pid'"}}},
                               {"id", request["id"]}});
    });
    QgaClient client = connect_client(peer.path());
    try {
        client.guest_exec_status(1, deadline_after(2s));  // syncs implicitly
        FAIL() << "no exception";
    } catch (const RemoteError& e) {
        EXPECT_NE(std::string(e.what()).find("Invalid parameter 'pid'"), std::string::npos);
    }
    EXPECT_TRUE(client.synced()) << "an error reply leaves the stream in sync";
}

TEST(QgaClient, TimeoutForcesAResyncBeforeTheNextRequest) {
    TempDir dir;
    SocketPeer peer(dir.file("qga.sock"), [](UnixSocket& connection, const auto&) {
        JsonReader reader;
        answer_sync(connection, reader);
        const nlohmann::json ignored = read_request(connection, reader);
        // The client gave up; it must sync again before asking anything.
        const std::int64_t id = sync_id(read_request(connection, reader));
        send_json(connection, {{"return", {}}, {"id", ignored["id"]}});  // late answer
        send_text(connection, "\xff" + nlohmann::json({{"return", id}}).dump() + "\n");
        const nlohmann::json ping = read_request(connection, reader);
        send_json(connection, {{"return", {{"pong", true}}}, {"id", ping["id"]}});
    });
    QgaClient client = connect_client(peer.path());
    client.sync(deadline_after(2s));
    EXPECT_THROW(client.execute("guest-ping", {}, deadline_after(150ms)), TimeoutError);
    EXPECT_FALSE(client.synced());
    EXPECT_EQ(client.execute("guest-ping", {}, deadline_after(3s))["pong"], true);
    EXPECT_EQ(peer.finish(), "");
}

}  // namespace
}  // namespace vmtest::protocol
