#include "listening_socket.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace vmtest::virtiofs {

namespace {

std::runtime_error failure(const std::string& what, const std::filesystem::path& path) {
    return std::runtime_error("cannot " + what + " the virtiofs socket " + path.string() + ": " +
                              std::strerror(errno));
}

}  // namespace

ListeningSocket::ListeningSocket(const std::filesystem::path& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string text = path.string();
    if (text.size() >= sizeof(address.sun_path)) {
        throw std::runtime_error("the virtiofs socket path " + text + " is too long for a socket");
    }
    std::memcpy(address.sun_path, text.c_str(), text.size() + 1);
    m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_fd < 0) {
        throw failure("create", path);
    }
    // One client: QEMU. The daemon accepts once.
    if (::bind(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(m_fd, 1) != 0) {
        const auto error = failure("listen on", path);
        ::close(m_fd);
        throw error;
    }
}

ListeningSocket::~ListeningSocket() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

}  // namespace vmtest::virtiofs
