// Stands in for a vhost-user daemon started on an inherited listening
// socket: fake_vhost_daemon FD DELAY_MS accept|exit. After DELAY_MS it
// either accepts one connection and writes "hello" to it, or exits with
// status 3 without accepting.
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc != 4) {
        return 2;
    }
    const int fd = std::atoi(argv[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(argv[2])));
    if (std::strcmp(argv[3], "accept") != 0) {
        return 3;
    }
    const int client = ::accept(fd, nullptr, nullptr);
    if (client < 0) {
        return 1;
    }
    return ::write(client, "hello", 5) == 5 ? 0 : 1;
}
