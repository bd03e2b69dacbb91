#include "vmtest/plugin-support/unix_socket.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

#include "vmtest/plugin-support/errors.hpp"

namespace vmtest::protocol {
namespace {

// Pause between connect attempts: short at first because the emulator
// usually creates its sockets within milliseconds, never longer than the
// stop-poll interval.
constexpr std::chrono::milliseconds k_first_connect_retry{10};

std::string errno_text(int error) { return std::strerror(error); }

// The connect errors that mean "not there yet": the emulator has not
// created the socket, or has not started accepting, or its backlog is full.
bool is_transient_connect_error(int error) {
    return error == ENOENT || error == ECONNREFUSED || error == EAGAIN;
}

// Waits for `events` on `fd` until `deadline`, in slices so `should_stop`
// is asked regularly. Returns the revents, or 0 when the deadline passed.
short wait_for(int fd, short events, Deadline deadline, const StopPredicate& should_stop) {
    for (;;) {
        if (stop_requested(should_stop)) {
            throw CancelledError("stopped while waiting on a socket");
        }
        pollfd entry{fd, events, 0};
        const int timeout = poll_timeout_ms(deadline, k_stop_poll_interval);
        const int ready = ::poll(&entry, 1, timeout);
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw ProtocolError("poll failed: " + errno_text(errno));
        }
        if (ready > 0) {
            return entry.revents;
        }
        if (Clock::now() >= deadline) {
            return 0;
        }
    }
}

}  // namespace

UnixSocket::UnixSocket(int fd) : m_fd(fd) {
    const int flags = ::fcntl(m_fd, F_GETFL);
    if (flags < 0 || ::fcntl(m_fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        const int error = errno;
        close();
        throw ProtocolError("cannot make socket non-blocking: " + errno_text(error));
    }
}

UnixSocket::~UnixSocket() { close(); }

UnixSocket::UnixSocket(UnixSocket&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

UnixSocket& UnixSocket::operator=(UnixSocket&& other) noexcept {
    if (this != &other) {
        close();
        m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
}

void UnixSocket::close() noexcept {
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
}

UnixSocket UnixSocket::connect(const std::string& path, Deadline deadline,
                               const StopPredicate& should_stop) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(address.sun_path)) {
        throw ProtocolError("unusable unix socket path '" + path + "'");
    }
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);

    auto pause = k_first_connect_retry;
    int last_error = 0;
    for (;;) {
        if (stop_requested(should_stop)) {
            throw CancelledError("stopped while connecting to " + path);
        }
        // A fresh socket per attempt: after a failed connect() the state of
        // the old one is not something to rely on.
        UnixSocket socket;
        socket.m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (socket.m_fd < 0) {
            throw ProtocolError("cannot create unix socket: " + errno_text(errno));
        }
        int result;
        do {
            result = ::connect(socket.m_fd, reinterpret_cast<const sockaddr*>(&address),
                               sizeof(address));
        } while (result < 0 && errno == EINTR);
        if (result == 0) {
            return socket;
        }
        last_error = errno;
        if (last_error == EINPROGRESS) {
            // Not what Linux does for unix sockets, but harmless to honour.
            if (wait_for(socket.m_fd, POLLOUT, deadline, should_stop) != 0) {
                int error = 0;
                socklen_t size = sizeof(error);
                ::getsockopt(socket.m_fd, SOL_SOCKET, SO_ERROR, &error, &size);
                if (error == 0) {
                    return socket;
                }
                last_error = error;
            }
        }
        if (!is_transient_connect_error(last_error) && last_error != EINPROGRESS) {
            throw ProtocolError("cannot connect to " + path + ": " + errno_text(last_error));
        }
        const auto now = Clock::now();
        if (now >= deadline) {
            throw TimeoutError("timed out connecting to " + path + ": " +
                               errno_text(last_error));
        }
        std::this_thread::sleep_for(std::min<Clock::duration>(pause, deadline - now));
        pause = std::min(pause * 2, k_stop_poll_interval);
    }
}

UnixSocket::ReadResult UnixSocket::read_available(std::span<char> buffer) {
    if (m_fd < 0) {
        throw ConnectionClosed("read from a closed socket");
    }
    for (;;) {
        const ssize_t count = ::read(m_fd, buffer.data(), buffer.size());
        if (count > 0) {
            return {ReadStatus::data, static_cast<std::size_t>(count)};
        }
        if (count == 0) {
            return {ReadStatus::end_of_stream, 0};
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return {ReadStatus::would_block, 0};
        }
        if (errno == ECONNRESET) {
            return {ReadStatus::end_of_stream, 0};
        }
        throw ProtocolError("socket read failed: " + errno_text(errno));
    }
}

std::size_t UnixSocket::read_some(std::span<char> buffer, Deadline deadline,
                                  const StopPredicate& should_stop) {
    for (;;) {
        const ReadResult result = read_available(buffer);
        if (result.status == ReadStatus::data) {
            return result.size;
        }
        if (result.status == ReadStatus::end_of_stream) {
            throw ConnectionClosed("connection closed by peer");
        }
        if (!wait_readable(deadline, should_stop)) {
            throw TimeoutError("timed out waiting for data");
        }
    }
}

bool UnixSocket::wait_readable(Deadline deadline, const StopPredicate& should_stop) const {
    if (m_fd < 0) {
        throw ConnectionClosed("wait on a closed socket");
    }
    // POLLHUP/POLLERR count as readable: the following read reports them.
    return wait_for(m_fd, POLLIN, deadline, should_stop) != 0;
}

void UnixSocket::write_all(std::string_view data, Deadline deadline,
                           const StopPredicate& should_stop) {
    if (m_fd < 0) {
        throw ConnectionClosed("write to a closed socket");
    }
    while (!data.empty()) {
        // MSG_NOSIGNAL: a peer that went away must be an exception, not a
        // SIGPIPE that kills the whole process.
        const ssize_t count = ::send(m_fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (count > 0) {
            data.remove_prefix(static_cast<std::size_t>(count));
            continue;
        }
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (wait_for(m_fd, POLLOUT, deadline, should_stop) == 0) {
                throw TimeoutError("timed out writing to socket");
            }
            continue;
        }
        if (count < 0 && (errno == EPIPE || errno == ECONNRESET)) {
            throw ConnectionClosed("connection closed by peer");
        }
        throw ProtocolError("socket write failed: " + errno_text(errno));
    }
}

}  // namespace vmtest::protocol
