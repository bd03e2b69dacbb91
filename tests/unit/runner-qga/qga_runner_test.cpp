// Drives the qga runner class directly (no dlopen) against three in-process
// peers playing the guest agent and the two output ports.
#include "qga_runner.hpp"

#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "vmtest/plugin-support/errors.hpp"
#include "vmtest/sdk/testing/fake_host.hpp"
#include "../../support/protocol_peer.hpp"

namespace vmtest::runner_qga {
namespace {

using namespace std::chrono_literals;
using protocol::Clock;
using protocol::deadline_after;
using protocol::JsonReader;
using protocol::UnixSocket;
using protocol::testing::Listener;
using protocol::testing::read_request;
using protocol::testing::send_json;
using protocol::testing::send_text;
using protocol::testing::SocketPeer;
using protocol::testing::TempDir;
using sdk::testing::FakeHost;

// Plays qemu-ga's side of the handshake.
void agent_handshake(UnixSocket& connection, JsonReader& reader) {
    const nlohmann::json sync = read_request(connection, reader);
    if (sync.value("execute", "") != "guest-sync-delimited") {
        throw std::runtime_error("expected sync, got " + sync.dump());
    }
    send_text(connection, "\xff" + nlohmann::json({{"return", sync["arguments"]["id"]}}).dump() +
                              "\n");
    const nlohmann::json info = read_request(connection, reader);
    send_json(connection, {{"return",
                            {{"version", "7.2.22"},
                             {"supported_commands",
                              {{{"name", "guest-exec"}, {"enabled", true}},
                               {{"name", "guest-exec-status"}, {"enabled", true}}}}}},
                           {"id", info["id"]}});
}

void reply(UnixSocket& connection, const nlohmann::json& request, const nlohmann::json& result) {
    send_json(connection, {{"return", result}, {"id", request["id"]}});
}

class QgaRunnerTest : public ::testing::Test {
  protected:
    QgaRunnerTest()
        : m_stdout(m_dir.file("stdout.sock")), m_stderr(m_dir.file("stderr.sock")) {}

    std::vector<sdk::Channel> channels() const {
        return {{QgaRunner::k_agent_channel, m_dir.file("agent.sock")},
                {QgaRunner::k_stdout_channel, m_stdout.path()},
                {QgaRunner::k_stderr_channel, m_stderr.path()}};
    }
    std::string agent_path() const { return m_dir.file("agent.sock"); }

    // Waits until the host has received `text` on `stream`.
    bool host_has(int stream, const std::string& text) {
        const auto deadline = deadline_after(3s);
        while (Clock::now() < deadline) {
            if (m_host.output(stream) == text) {
                return true;
            }
            std::this_thread::sleep_for(1ms);
        }
        return false;
    }

    TempDir m_dir;
    FakeHost m_host;
    Listener m_stdout;
    Listener m_stderr;
};

TEST_F(QgaRunnerTest, DescribeNamesTheChannelsAndTheAgent) {
    QgaRunner runner(m_host.host(), nlohmann::json::object());
    const sdk::RunnerDescription description = runner.describe();
    EXPECT_EQ(description.channels, (std::vector<std::string>{"org.qemu.guest_agent.0",
                                                              "org.vmtest.stdout",
                                                              "org.vmtest.stderr"}));
    EXPECT_EQ(description.guest_agent.candidates.front(), "/usr/sbin/qemu-ga");
    EXPECT_EQ(description.guest_agent.argv,
              (std::vector<std::string>{"--method=virtio-serial",
                                        "--path=/dev/virtio-ports/org.qemu.guest_agent.0",
                                        "--pidfile=/run/qemu-ga.pid", "--statedir=/run"}));
}

TEST_F(QgaRunnerTest, RejectsBadConfig) {
    EXPECT_THROW(QgaRunner(m_host.host(), {{"connect_attempt_ms", "soon"}}), sdk::Error);
    EXPECT_THROW(QgaRunner(m_host.host(), {{"connect_attempt_ms", 0}}), sdk::Error);
    EXPECT_THROW(QgaRunner(m_host.host(), {{"connect_timeout_ms", 1LL << 62}}),
                 sdk::Error);
}

TEST_F(QgaRunnerTest, ConnectNeedsEveryChannel) {
    QgaRunner runner(m_host.host(), nlohmann::json::object());
    std::vector<sdk::Channel> partial = channels();
    partial.pop_back();
    try {
        runner.connect(partial);
        FAIL() << "no exception";
    } catch (const sdk::Error& e) {
        EXPECT_EQ(e.status(), VMTEST_ERROR);
        EXPECT_NE(std::string(e.what()).find("org.vmtest.stderr"), std::string::npos);
    }
}

TEST_F(QgaRunnerTest, RunStreamsOutputLiveAndReturnsTheExitCode) {
    nlohmann::json exec_arguments;
    bool live = true;
    SocketPeer agent(agent_path(), [&](UnixSocket& connection, const auto&) {
        JsonReader reader;
        agent_handshake(connection, reader);
        UnixSocket out = m_stdout.accept(deadline_after(2s));
        UnixSocket err = m_stderr.accept(deadline_after(2s));

        const nlohmann::json exec = read_request(connection, reader);
        exec_arguments = exec["arguments"];
        reply(connection, exec, {{"pid", 42}});
        // Each chunk is written before a status reply saying "still
        // running"; by the next status request the host must have it.
        const std::vector<std::pair<UnixSocket*, std::string>> steps = {
            {&out, "hello "}, {&err, "oops\n"}, {&out, "world\n"}};
        std::string out_so_far;
        std::string err_so_far;
        for (const auto& [port, text] : steps) {
            const nlohmann::json status = read_request(connection, reader);
            live = live && host_has(VMTEST_STREAM_STDOUT, out_so_far) &&
                   host_has(VMTEST_STREAM_STDERR, err_so_far);
            send_text(*port, text);
            (port == &out ? out_so_far : err_so_far) += text;
            reply(connection, status, {{"exited", false}});
        }
        const nlohmann::json last = read_request(connection, reader);
        live = live && host_has(VMTEST_STREAM_STDOUT, out_so_far) &&
               host_has(VMTEST_STREAM_STDERR, err_so_far);
        // Output still in flight when the agent reports the exit.
        send_text(out, "tail\n");
        reply(connection, last, {{"exited", true}, {"exitcode", 3}});
        std::this_thread::sleep_for(20ms);  // keep the ports open for the drain
    });
    QgaRunner runner(m_host.host(), {{"connect_attempt_ms", 200}});
    runner.connect(channels());

    sdk::Command command;
    command.argv = {"make", "check", "it's \"quoted\""};
    command.env = {"PATH=/bin", "A=b c"};
    command.cwd = "/work dir";
    const sdk::CommandResult result = runner.run(command);
    EXPECT_EQ(agent.finish(), "");
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_EQ(result.signal, 0);
    EXPECT_TRUE(live) << "output was not forwarded while the command ran";
    EXPECT_EQ(m_host.chunks(), (std::vector<FakeHost::Chunk>{
                                   {VMTEST_STREAM_STDOUT, "hello "},
                                   {VMTEST_STREAM_STDERR, "oops\n"},
                                   {VMTEST_STREAM_STDOUT, "world\n"},
                                   {VMTEST_STREAM_STDOUT, "tail\n"}}));

    // Everything that may be bytes travels in the script on stdin (base64).
    EXPECT_EQ(exec_arguments["path"], "/bin/sh");
    EXPECT_EQ(exec_arguments["arg"], nlohmann::json({"-s"}));
    EXPECT_EQ(exec_arguments["capture-output"], false);
    EXPECT_FALSE(exec_arguments.contains("env"));
    EXPECT_EQ(sdk::base64_decode(exec_arguments.value("input-data", "")),
              "{\n"
              "exec </dev/null >'/dev/virtio-ports/org.vmtest.stdout' "
              "2>'/dev/virtio-ports/org.vmtest.stderr'\n"
              "cd -- '/work dir' || exit 127\n"
              "exec env -i -- 'PATH=/bin' 'A=b c' 'make' 'check' 'it'\\''s \"quoted\"'\n"
              "}\n");
}

TEST_F(QgaRunnerTest, RunReportsAKillingSignal) {
    nlohmann::json exec_arguments;
    SocketPeer agent(agent_path(), [&](UnixSocket& connection, const auto&) {
        JsonReader reader;
        agent_handshake(connection, reader);
        const nlohmann::json exec = read_request(connection, reader);
        exec_arguments = exec["arguments"];
        reply(connection, exec, {{"pid", 7}});
        const nlohmann::json status = read_request(connection, reader);
        reply(connection, status, {{"exited", true}, {"signal", 9}});
    });
    QgaRunner runner(m_host.host(), nlohmann::json::object());
    runner.connect(channels());
    sdk::Command command;
    command.argv = {"sleep", "1000"};
    const sdk::CommandResult result = runner.run(command);
    EXPECT_EQ(agent.finish(), "");
    EXPECT_EQ(result.signal, 9);
    EXPECT_EQ(result.exit_code, 128 + 9);
    const auto script = sdk::base64_decode(exec_arguments.value("input-data", ""));
    ASSERT_TRUE(script);
    EXPECT_NE(script->find("cd -- '/' ||"), std::string::npos) << "empty cwd means /";
    EXPECT_EQ(script->find("env -i"), std::string::npos) << "empty env inherits the agent's";
}

TEST_F(QgaRunnerTest, RunIsCancelledWhenTheHostSaysStop) {
    SocketPeer agent(agent_path(), [&](UnixSocket& connection, const auto& stopping) {
        JsonReader reader;
        agent_handshake(connection, reader);
        const nlohmann::json exec = read_request(connection, reader);
        reply(connection, exec, {{"pid", 9}});
        while (!stopping) {
            try {
                const nlohmann::json status =
                    reader.read_object(connection, deadline_after(100ms));
                reply(connection, status, {{"exited", false}});
            } catch (const protocol::TimeoutError&) {
            } catch (const protocol::ConnectionClosed&) {
                return;
            }
        }
    });
    QgaRunner runner(m_host.host(), nlohmann::json::object());
    runner.connect(channels());
    sdk::Command command;
    command.argv = {"sleep", "1000"};
    m_host.stop_after(300ms);
    const auto started = Clock::now();
    try {
        runner.run(command);
        FAIL() << "no exception";
    } catch (const sdk::Error& e) {
        EXPECT_EQ(e.status(), VMTEST_CANCELLED) << e.what();
    }
    EXPECT_LT(Clock::now() - started, 1s);
}

TEST_F(QgaRunnerTest, ConnectIsCancelledWhenTheAgentNeverAnswers) {
    SocketPeer agent(agent_path(), [](UnixSocket&, const auto& stopping) {
        protocol::testing::wait_until(stopping);
    });
    QgaRunner runner(m_host.host(), {{"connect_attempt_ms", 1000}});
    m_host.stop_after(300ms);
    const auto started = Clock::now();
    try {
        runner.connect(channels());
        FAIL() << "no exception";
    } catch (const sdk::Error& e) {
        EXPECT_EQ(e.status(), VMTEST_CANCELLED) << e.what();
    }
    EXPECT_LT(Clock::now() - started, 1s);
}

TEST_F(QgaRunnerTest, ConnectTimesOutAtItsSafetyNet) {
    SocketPeer agent(agent_path(), [](UnixSocket&, const auto& stopping) {
        protocol::testing::wait_until(stopping);
    });
    QgaRunner runner(m_host.host(),
                     {{"connect_attempt_ms", 100}, {"connect_timeout_ms", 300}});
    try {
        runner.connect(channels());
        FAIL() << "no exception";
    } catch (const sdk::Error& e) {
        EXPECT_EQ(e.status(), VMTEST_TIMEOUT) << e.what();
    }
}

TEST_F(QgaRunnerTest, RunBeforeConnectFails) {
    QgaRunner runner(m_host.host(), nlohmann::json::object());
    sdk::Command command;
    command.argv = {"true"};
    EXPECT_THROW(runner.run(command), sdk::Error);
}

}  // namespace
}  // namespace vmtest::runner_qga
