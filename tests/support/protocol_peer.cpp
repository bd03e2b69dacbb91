#include "protocol_peer.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "vmtest/plugin-support/errors.hpp"

namespace vmtest::protocol::testing {

Listener::Listener(std::string path) : m_path(std::move(path)) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        throw std::runtime_error("socket failed");
    }
    m_socket = UnixSocket(fd);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, m_path.c_str(), sizeof(address.sun_path) - 1);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(fd, 8) != 0) {
        throw std::runtime_error("cannot listen on " + m_path + ": " + std::strerror(errno));
    }
}

Listener::~Listener() { ::unlink(m_path.c_str()); }

UnixSocket Listener::accept(Deadline deadline, const StopPredicate& should_stop) {
    for (;;) {
        const int fd = ::accept4(m_socket.fd(), nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0) {
            return UnixSocket(fd);
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            throw std::runtime_error(std::string("accept failed: ") + std::strerror(errno));
        }
        if (!m_socket.wait_readable(deadline, should_stop)) {
            throw TimeoutError("no client connected to " + m_path);
        }
    }
}

SocketPeer::SocketPeer(std::string path, Script script) : m_listener(std::move(path)) {
    m_thread = std::thread([this, script = std::move(script)] {
        try {
            const StopPredicate stopping = [this] { return m_stopping.load(); };
            UnixSocket connection = m_listener.accept(deadline_after(k_peer_timeout), stopping);
            script(connection, m_stopping);
        } catch (const std::exception& e) {
            m_error = e.what();
        }
    });
}

SocketPeer::~SocketPeer() {
    m_stopping = true;
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

std::string SocketPeer::finish() {
    if (m_thread.joinable()) {
        m_thread.join();
    }
    return m_error;
}

nlohmann::json read_request(UnixSocket& connection, JsonReader& reader) {
    return reader.read_object(connection, deadline_after(k_peer_timeout));
}

void send_text(UnixSocket& connection, const std::string& text) {
    connection.write_all(text, deadline_after(k_peer_timeout));
}

void send_json(UnixSocket& connection, const nlohmann::json& message) {
    send_text(connection, message.dump() + "\r\n");
}

void wait_until(const std::atomic<bool>& flag) {
    const Deadline deadline = deadline_after(k_peer_timeout);
    while (!flag && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

StopPredicate stop_after(std::chrono::milliseconds delay) {
    const Deadline when = deadline_after(delay);
    return [when] { return Clock::now() >= when; };
}

}  // namespace vmtest::protocol::testing
