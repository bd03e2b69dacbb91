// The readiness design of listening_socket.hpp, with a stand-in daemon: a
// client (QEMU) that connects before the daemon even runs is served once it
// does, and a daemon that dies without accepting takes the socket with it,
// so the client fails at once instead of waiting forever.
#include <fstream>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "listening_socket.hpp"
#include "../../support/share_test_support.hpp"
#include "vmtest/plugin-support/child_process.hpp"

namespace vmtest::virtiofs {
namespace {

using Clock = std::chrono::steady_clock;

int connect_to(const std::filesystem::path& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", path.c_str());
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// What the client reads within `timeout`: the text, "<eof>", "<error>" or
// "<nothing>".
std::string read_within(int fd, std::chrono::milliseconds timeout) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) {
        return "<nothing>";
    }
    char buffer[16];
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    return n > 0 ? std::string(buffer, n) : n == 0 ? "<eof>" : "<error>";
}

// Starts the stand-in on `socket`, closing vmtest's copies as the share does.
std::unique_ptr<util::ChildProcess> start_daemon(const std::filesystem::path& socket_path,
                                                 int delay_ms, const char* mode) {
    ListeningSocket socket(socket_path);
    util::SpawnOptions options;
    options.argv = {FAKE_VHOST_DAEMON, std::to_string(socket.fd()), std::to_string(delay_ms), mode};
    options.keep_fds = {socket.fd()};
    return std::make_unique<util::ChildProcess>(options);
}

TEST(VirtiofsdSocket, AClientConnectingBeforeASlowDaemonStartsIsServedWhenItDoes) {
    shares_test::TempDir dir;
    const auto path = dir.path() / "vfs.sock";
    auto daemon = start_daemon(path, 1500, "accept");
    const auto started = Clock::now();
    const int client = connect_to(path);
    ASSERT_GE(client, 0) << "the socket must accept connections before the daemon is up";
    EXPECT_LT(Clock::now() - started, std::chrono::milliseconds(500));
    EXPECT_EQ(read_within(client, std::chrono::seconds(10)), "hello");
    EXPECT_GE(Clock::now() - started, std::chrono::milliseconds(1400));
    ::close(client);
    ASSERT_TRUE(daemon->wait_for(std::chrono::seconds(5)));
}

TEST(VirtiofsdSocket, ADaemonThatDiesWithoutAcceptingFailsTheWaitingClientAtOnce) {
    shares_test::TempDir dir;
    const auto path = dir.path() / "vfs.sock";
    auto daemon = start_daemon(path, 300, "exit");
    const int client = connect_to(path);
    ASSERT_GE(client, 0);
    // Not "<nothing>": the client is not left waiting on a dead socket.
    EXPECT_NE(read_within(client, std::chrono::seconds(5)), "<nothing>");
    ::close(client);
    EXPECT_EQ(daemon->wait_for(std::chrono::seconds(5))->exit_code, 3);
    EXPECT_LT(connect_to(path), 0) << "nobody listens any more";
}

TEST(VirtiofsdSocket, VmtestKeepsNoCopyThatAnotherChildCouldInherit) {
    shares_test::TempDir dir;
    ListeningSocket socket(dir.path() / "vfs.sock");
    const auto listing = dir.path() / "fds";
    util::SpawnOptions options;
    options.argv = {"sh", "-c", "ls -l /proc/self/fd/ > '" + listing.string() + "'"};
    util::ChildProcess ls(options);
    ASSERT_TRUE(ls.wait_for(std::chrono::seconds(5)));
    std::ifstream in(listing);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text.find("socket:"), std::string::npos) << text;
}

}  // namespace
}  // namespace vmtest::virtiofs
