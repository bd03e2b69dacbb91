#include "vmtest/plugin-support/unix_socket.hpp"

#include <sys/socket.h>

#include <array>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "vmtest/plugin-support/errors.hpp"
#include "../../support/protocol_peer.hpp"

namespace vmtest::protocol {
namespace {

using namespace std::chrono_literals;
using testing::Listener;
using testing::TempDir;

std::pair<UnixSocket, UnixSocket> socket_pair() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        throw std::runtime_error("socketpair failed");
    }
    return {UnixSocket(fds[0]), UnixSocket(fds[1])};
}

TEST(UnixSocket, ConnectWaitsForTheSocketToAppear) {
    TempDir dir;
    const std::string path = dir.file("late.sock");
    std::optional<Listener> listener;
    std::thread creator([&] {
        std::this_thread::sleep_for(200ms);
        listener.emplace(path);
    });
    const auto started = Clock::now();
    UnixSocket socket = UnixSocket::connect(path, deadline_after(3s));
    creator.join();
    EXPECT_TRUE(socket.is_open());
    EXPECT_GE(Clock::now() - started, 150ms);
}

TEST(UnixSocket, ConnectTimesOutWhenNothingListens) {
    TempDir dir;
    const auto started = Clock::now();
    EXPECT_THROW(UnixSocket::connect(dir.file("absent.sock"), deadline_after(200ms)), TimeoutError);
    const auto elapsed = Clock::now() - started;
    EXPECT_GE(elapsed, 200ms);
    EXPECT_LT(elapsed, 1s);
}

TEST(UnixSocket, ConnectStopsWhenAsked) {
    TempDir dir;
    const auto started = Clock::now();
    EXPECT_THROW(UnixSocket::connect(dir.file("absent.sock"), deadline_after(30s),
                                     testing::stop_after(150ms)),
                 CancelledError);
    EXPECT_LT(Clock::now() - started, 1s);
}

TEST(UnixSocket, ConnectWithoutADeadlineStillStops) {
    TempDir dir;
    const auto started = Clock::now();
    EXPECT_THROW(UnixSocket::connect(dir.file("absent.sock"), Deadline::max(),
                                     testing::stop_after(150ms)),
                 CancelledError);
    EXPECT_LT(Clock::now() - started, 1s);
}

TEST(UnixSocket, PollTimeoutIsClampedAndRoundedUp) {
    EXPECT_EQ(poll_timeout_ms(Deadline::max(), 100ms), 100);
    EXPECT_EQ(poll_timeout_ms(Clock::now() - 1s, 100ms), 0);
    EXPECT_EQ(poll_timeout_ms(Clock::now() + std::chrono::microseconds(300), 100ms), 1);
}

TEST(UnixSocket, ConnectRejectsAnOverlongPath) {
    EXPECT_THROW(UnixSocket::connect("/tmp/" + std::string(200, 'x'), deadline_after(1s)),
                 ProtocolError);
}

TEST(UnixSocket, ReadSomeHonoursTheDeadline) {
    auto [left, right] = socket_pair();
    std::array<char, 16> buffer;
    const auto started = Clock::now();
    EXPECT_THROW(left.read_some(buffer, deadline_after(150ms)), TimeoutError);
    EXPECT_GE(Clock::now() - started, 150ms);
}

TEST(UnixSocket, ReadSomeStopsWhenAsked) {
    auto [left, right] = socket_pair();
    std::array<char, 16> buffer;
    const auto started = Clock::now();
    EXPECT_THROW(left.read_some(buffer, deadline_after(30s), testing::stop_after(150ms)),
                 CancelledError);
    EXPECT_LT(Clock::now() - started, 1s);
}

TEST(UnixSocket, WriteThenRead) {
    auto [left, right] = socket_pair();
    left.write_all("hello", deadline_after(1s));
    std::array<char, 16> buffer;
    const std::size_t size = right.read_some(buffer, deadline_after(1s));
    EXPECT_EQ(std::string(buffer.data(), size), "hello");
    EXPECT_EQ(right.read_available(buffer).status, UnixSocket::ReadStatus::would_block);
}

TEST(UnixSocket, PeerCloseIsEndOfStream) {
    auto [left, right] = socket_pair();
    right.close();
    std::array<char, 16> buffer;
    EXPECT_EQ(left.read_available(buffer).status, UnixSocket::ReadStatus::end_of_stream);
    EXPECT_THROW(left.read_some(buffer, deadline_after(1s)), ConnectionClosed);
    // Would be SIGPIPE without MSG_NOSIGNAL.
    EXPECT_THROW(left.write_all("x", deadline_after(1s)), ConnectionClosed);
}

TEST(UnixSocket, WriteAllTimesOutWhenThePeerDoesNotRead) {
    auto [left, right] = socket_pair();
    const std::string block(1 << 20, 'x');
    EXPECT_THROW(
        {
            for (int i = 0; i < 64; ++i) {
                left.write_all(block, deadline_after(100ms));
            }
        },
        TimeoutError);
}

TEST(UnixSocket, MoveTransfersOwnership) {
    auto [left, right] = socket_pair();
    const int fd = left.fd();
    UnixSocket moved = std::move(left);
    EXPECT_EQ(moved.fd(), fd);
    EXPECT_FALSE(left.is_open());  // NOLINT(bugprone-use-after-move)
}

}  // namespace
}  // namespace vmtest::protocol
