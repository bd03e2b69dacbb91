// Talks to the real qemu-ga of this machine, started in unix-listen mode
// (so "the guest" is the host and guest-exec runs harmless shell commands
// here). Skipped when qemu-ga is not installed. Catches mismatches between
// the in-process peers and what the agent actually sends.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "guest_script.hpp"
#include "qga_client.hpp"
#include "../../support/protocol_peer.hpp"

extern char** environ;

namespace vmtest::protocol {
namespace {

using namespace std::chrono_literals;

const char* find_agent() {
    for (const char* candidate : {"/usr/sbin/qemu-ga", "/usr/bin/qemu-ga"}) {
        if (::access(candidate, X_OK) == 0) {
            return candidate;
        }
    }
    return nullptr;
}

// The agent process, terminated and reaped on destruction.
class AgentProcess {
  public:
    AgentProcess(const char* program, const testing::TempDir& dir) {
        const std::string path = "--path=" + dir.file("qga.sock");
        const std::string pidfile = "--pidfile=" + dir.file("qga.pid");
        const std::string statedir = "--statedir=" + dir.path().string();
        const std::string logfile = "--logfile=" + dir.file("qga.log");
        std::vector<const char*> argv = {program, "--method=unix-listen", path.c_str(),
                                         pidfile.c_str(), statedir.c_str(), logfile.c_str(),
                                         nullptr};
        if (::posix_spawn(&m_pid, program, nullptr, nullptr, const_cast<char**>(argv.data()),
                          environ) != 0) {
            m_pid = -1;
        }
    }
    ~AgentProcess() {
        if (m_pid <= 0) {
            return;
        }
        ::kill(m_pid, SIGTERM);
        for (int i = 0; i < 200; ++i) {
            if (::waitpid(m_pid, nullptr, WNOHANG) == m_pid) {
                return;
            }
            std::this_thread::sleep_for(10ms);
        }
        ::kill(m_pid, SIGKILL);
        ::waitpid(m_pid, nullptr, 0);
    }
    bool started() const { return m_pid > 0; }

  private:
    pid_t m_pid = -1;
};

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

QgaExecStatus wait_for_exit(QgaClient& client, std::int64_t pid) {
    const Deadline deadline = deadline_after(5s);
    for (;;) {
        QgaExecStatus status = client.guest_exec_status(pid, deadline_after(2s));
        if (status.exited || Clock::now() >= deadline) {
            return status;
        }
        std::this_thread::sleep_for(10ms);
    }
}

TEST(RealAgent, SyncInfoExecAndStatus) {
    const char* program = find_agent();
    if (program == nullptr) {
        GTEST_SKIP() << "qemu-ga is not installed";
    }
    testing::TempDir dir;
    AgentProcess agent(program, dir);
    ASSERT_TRUE(agent.started());

    QgaClient client = QgaClient::connect(dir.file("qga.sock"), deadline_after(10s), 500ms);
    const QgaInfo info = client.guest_info(deadline_after(2s));
    EXPECT_GE(info.version, (QgaVersion{2, 5})) << info.version_text;
    EXPECT_NE(std::find(info.commands.begin(), info.commands.end(), "guest-exec"),
              info.commands.end());

    QgaExecRequest request;
    request.path = "/bin/sh";
    request.args = {"-c", "printf '%s|' \"$0\" \"$@\"; echo \"$GREETING\"; exit 3", "zero",
                    "it's", "a \"b\""};
    request.env = std::vector<std::string>{"GREETING=hi there"};
    request.capture_output = true;
    const QgaExecStatus status = wait_for_exit(client, client.guest_exec(request, deadline_after(2s)));
    EXPECT_TRUE(status.exited);
    EXPECT_EQ(status.exit_code, 3);
    EXPECT_EQ(status.out_data, "zero|it's|a \"b\"|hi there\n");

    request.args = {"-c", "kill -TERM $$"};
    request.capture_output = false;
    const QgaExecStatus killed = wait_for_exit(client, client.guest_exec(request, deadline_after(2s)));
    EXPECT_TRUE(killed.exited);
    EXPECT_EQ(killed.signal, SIGTERM);

    // A second sync on a live connection finds its own answer too.
    client.sync(deadline_after(5s), 500ms);
    EXPECT_EQ(client.last_sync_attempts(), 1);
}

// What the qga runner relies on to get bytes that are not UTF-8 into the
// guest: input-data reaches the process's stdin exactly, and `sh -s` runs
// the runner's script from it.
TEST(RealAgent, InputDataCarriesTheRunnersScriptByteForByte) {
    const char* program = find_agent();
    if (program == nullptr) {
        GTEST_SKIP() << "qemu-ga is not installed";
    }
    testing::TempDir dir;
    AgentProcess agent(program, dir);
    ASSERT_TRUE(agent.started());
    QgaClient client = QgaClient::connect(dir.file("qga.sock"), deadline_after(10s), 500ms);

    std::string every_byte;
    for (int c = 1; c < 256; ++c) {
        every_byte += static_cast<char>(c);
    }
    sdk::Command command;
    command.argv = {"/bin/sh", "-c", "printf '%s' \"$0\"; printf '%s' \"$V\" >&2", every_byte};
    command.env = {"V=" + every_byte};
    command.cwd = dir.path();
    QgaExecRequest request;
    request.path = "/bin/sh";
    request.args = {"-s"};
    request.input_data = runner_qga::command_script(command, {dir.file("out"), dir.file("err")});
    const QgaExecStatus status =
        wait_for_exit(client, client.guest_exec(request, deadline_after(2s)));
    EXPECT_TRUE(status.exited);
    EXPECT_EQ(status.exit_code, 0);
    EXPECT_EQ(read_bytes(dir.file("out")), every_byte);
    EXPECT_EQ(read_bytes(dir.file("err")), every_byte);
}

}  // namespace
}  // namespace vmtest::protocol
