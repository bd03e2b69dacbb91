// The kernel log channel, briefly: the init's streamer copies /dev/kmsg to
// a virtio-serial port of its own, byte for byte. Each read() of /dev/kmsg
// returns one record (Documentation/ABI/testing/dev-kmsg):
//   "<prefix>,<sequence>,<microseconds>,<flags>[,...];<message>\n"
// followed by dictionary lines that start with a space. Non-printable
// bytes of the message are escaped as \xNN, so a record never holds a raw
// newline of its own. When the kernel overwrote records before they were
// read, read() fails once with EPIPE and the next read returns the oldest
// record left: the host sees the jump in sequence numbers and says how
// many were lost. The host formats the records (run/kernel_log_records.hpp);
// the init only moves bytes.
//
// The port is written blocking, in a child: while the host is not
// connected, virtio_console makes writes wait, and only the child waits.

#include "kernel_log_stream.hpp"

#include "console_log.hpp"
#include "virtio_ports.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace vmtest::boot::init {

namespace {

// A record is at most about 8 KiB (the kernel's CONSOLE_EXT_LOG_MAX); reads
// are gathered into one buffer so a burst of records is one port write.
constexpr std::size_t k_record_max = 8192;
constexpr std::size_t k_batch = 64 * 1024;

volatile sig_atomic_t g_stop = 0;

void on_sigterm(int) {
    g_stop = 1;
}

bool write_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

enum class Reading { drained, batch_full, failed };

// Reads the records available now into `batch`, after its first `used`
// bytes, until none is left or the batch is full.
Reading read_available(int kmsg_fd, char* batch, std::size_t& used) {
    while (k_batch - used >= k_record_max) {
        ssize_t n = ::read(kmsg_fd, batch + used, k_record_max);
        if (n > 0) {
            used += static_cast<std::size_t>(n);
        } else if (n < 0 && (errno == EPIPE || errno == EINTR)) {
            continue;  // EPIPE: records were overwritten; the sequence numbers say how many
        } else if (n < 0 && errno == EAGAIN) {
            return Reading::drained;
        } else {
            return Reading::failed;
        }
    }
    return Reading::batch_full;
}

[[noreturn]] void stream(int kmsg_fd, const std::string& port_name) {
    // SIGTERM only while waiting, so a stop is noticed between batches and
    // never cuts a write in half.
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGTERM);
    ::sigprocmask(SIG_SETMASK, &blocked, nullptr);
    struct sigaction action {};
    action.sa_handler = on_sigterm;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGTERM, &action, nullptr);
    sigset_t waiting;
    sigemptyset(&waiting);

    link_virtio_ports({port_name});
    const std::string path = "/dev/virtio-ports/" + port_name;
    int port = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (port < 0) {
        // The backend did not create the port; the host says so.
        log_debug("no kernel log port %s: %s", path.c_str(), std::strerror(errno));
        ::_exit(0);
    }
    static char batch[k_batch];
    for (;;) {
        std::size_t used = 0;
        const Reading reading = read_available(kmsg_fd, batch, used);
        if (used > 0 && !write_all(port, batch, used)) {
            ::_exit(1);  // the port is gone: the VM is going down
        }
        if (reading == Reading::failed) {
            ::_exit(1);
        }
        if (reading == Reading::batch_full) {
            continue;
        }
        if (g_stop) {
            ::_exit(0);  // everything logged until the stop is written
        }
        pollfd entry{kmsg_fd, POLLIN, 0};
        ::ppoll(&entry, 1, nullptr, &waiting);
    }
}

}  // namespace

int open_kernel_log() {
    int fd = ::open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        log_warning("cannot open /dev/kmsg: %s; the host gets no kernel log", std::strerror(errno));
    }
    return fd;
}

void start_kernel_log_stream(int kmsg_fd, const std::string& port_name) {
    if (kmsg_fd < 0 || port_name.empty()) {
        if (kmsg_fd >= 0) {
            ::close(kmsg_fd);
        }
        return;
    }
    pid_t pid = ::fork();
    if (pid == 0) {
        stream(kmsg_fd, port_name);
    }
    if (pid < 0) {
        log_warning("cannot start the kernel log stream: %s", std::strerror(errno));
    }
    ::close(kmsg_fd);
}

}  // namespace vmtest::boot::init
