// The host's end of the kernel log channel: a real unix socket in place of
// the backend's, the raw /dev/kmsg records the guest init sends, the
// .dmesg file that comes out.
#include "run/kernel_log_capture.hpp"

#include <fstream>
#include <sstream>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include "../../support/temp_dir.hpp"

namespace vmtest::run {
namespace {

using namespace std::chrono_literals;

// A listening socket where the backend would have made one.
int listen_at(const std::filesystem::path& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(::listen(fd, 1), 0);
    return fd;
}

std::string read_text(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(KernelLogCapture, NoSocketMeansTheBackendDidNotCreateTheChannel) {
    test_support::TempDir dir;
    KernelLogCapture capture(dir.path() / "kernel.dmesg");
    EXPECT_FALSE(capture.start((dir.path() / "kmsg.sock").string()));
    capture.finish(0ms);
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "kernel.dmesg"));
}

TEST(KernelLogCapture, ASocketTheBackendMakesAMomentLaterIsStillRead) {
    test_support::TempDir dir;
    const auto socket = dir.path() / "kmsg.sock";
    int listener = -1;
    std::thread backend([&] {
        std::this_thread::sleep_for(200ms);
        listener = listen_at(socket);
    });
    KernelLogCapture capture(dir.path() / "kernel.dmesg");
    EXPECT_TRUE(capture.start(socket.string()));
    backend.join();
    capture.finish(0ms);
    ::close(listener);
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "kernel.dmesg"));
}

TEST(KernelLogCapture, WritesEveryRecordUntilTheStreamEnds) {
    test_support::TempDir dir;
    const auto socket = dir.path() / "kmsg.sock";
    const int listener = listen_at(socket);
    KernelLogCapture capture(dir.path() / "kernel.dmesg");
    ASSERT_TRUE(capture.start(socket.string()));
    const int guest = ::accept(listener, nullptr, nullptr);
    ASSERT_GE(guest, 0);
    // Cut inside a record, as a virtio-serial port may deliver it.
    const std::string stream = "6,0,0,-;Linux version 6.1.0\n4,1,1500000,-;WARNING: CPU: 0 PID: 1 at a.c:1";
    ASSERT_EQ(::write(guest, stream.data(), 40), 40);
    std::this_thread::sleep_for(50ms);
    ASSERT_EQ(::write(guest, stream.data() + 40, stream.size() - 40),
              static_cast<ssize_t>(stream.size() - 40));
    ASSERT_EQ(::write(guest, " f\n", 3), 3);
    ::close(guest);  // the VM exited
    capture.finish(5000ms);
    ::close(listener);
    EXPECT_EQ(read_text(dir.path() / "kernel.dmesg"),
              "[    0.000000] <info> Linux version 6.1.0\n"
              "[    1.500000] <warn> WARNING: CPU: 0 PID: 1 at a.c:1 f\n");
    EXPECT_EQ(capture.records(), 2u);
}

TEST(KernelLogCapture, AGuestThatNeverWritesLeavesAnEmptyLogAndFinishIsBounded) {
    test_support::TempDir dir;
    const auto socket = dir.path() / "kmsg.sock";
    const int listener = listen_at(socket);
    KernelLogCapture capture(dir.path() / "kernel.dmesg");
    ASSERT_TRUE(capture.start(socket.string()));
    const auto started = std::chrono::steady_clock::now();
    capture.finish(300ms);  // the stream never ends: finish stops waiting
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
    ::close(listener);
    EXPECT_EQ(read_text(dir.path() / "kernel.dmesg"), "");
}

}  // namespace
}  // namespace vmtest::run
