#include "loopback_http_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <stdexcept>

namespace vmtest::test {
namespace {

constexpr int k_io_timeout_ms = 10000;

int loopback_socket(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        throw std::runtime_error("socket() failed");
    }
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        throw std::runtime_error("bind() on 127.0.0.1 failed");
    }
    return fd;
}

std::uint16_t port_of(int fd) {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    return ntohs(address.sin_port);
}

bool send_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        pollfd ready{fd, POLLOUT, 0};
        if (::poll(&ready, 1, k_io_timeout_ms) <= 0) {
            return false;
        }
        const ssize_t sent = ::send(fd, data, size, MSG_NOSIGNAL);
        if (sent <= 0) {
            return false;
        }
        data += sent;
        size -= static_cast<std::size_t>(sent);
    }
    return true;
}

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string reason_of(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 304:
        return "Not Modified";
    case 404:
        return "Not Found";
    case 500:
        return "Internal Server Error";
    default:
        return "Status";
    }
}

} // namespace

LoopbackHttpServer::LoopbackHttpServer() {
    m_listener = loopback_socket(0);
    if (::listen(m_listener, 16) != 0 || ::pipe2(m_stop_pipe, O_CLOEXEC) != 0) {
        ::close(m_listener);
        throw std::runtime_error("cannot start the loopback HTTP server");
    }
    m_port = port_of(m_listener);
    m_thread = std::thread([this] { loop(); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
    (void)!::write(m_stop_pipe[1], "x", 1);
    m_thread.join();
    ::close(m_listener);
    ::close(m_stop_pipe[0]);
    ::close(m_stop_pipe[1]);
}

void LoopbackHttpServer::serve(const std::string& path, Resource resource) {
    std::lock_guard lock(m_mutex);
    m_resources[path] = std::move(resource);
}

std::string LoopbackHttpServer::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(m_port) + path;
}

std::vector<LoopbackHttpServer::LoggedRequest> LoopbackHttpServer::requests() const {
    std::lock_guard lock(m_mutex);
    return m_requests;
}

std::uint16_t LoopbackHttpServer::unused_port() {
    const int fd = loopback_socket(0);
    const std::uint16_t port = port_of(fd);
    ::close(fd);
    return port;
}

void LoopbackHttpServer::loop() {
    for (;;) {
        pollfd fds[2] = {{m_listener, POLLIN, 0}, {m_stop_pipe[0], POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            continue;
        }
        if (fds[1].revents != 0) {
            return;
        }
        const int client = ::accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (client >= 0) {
            handle(client);
            ::close(client);
        }
    }
}

void LoopbackHttpServer::handle(int client) {
    std::string head;
    char buffer[4096];
    while (head.find("\r\n\r\n") == std::string::npos) {
        pollfd ready{client, POLLIN, 0};
        if (::poll(&ready, 1, k_io_timeout_ms) <= 0) {
            return;
        }
        const ssize_t count = ::recv(client, buffer, sizeof buffer, 0);
        if (count <= 0) {
            return;
        }
        head.append(buffer, static_cast<std::size_t>(count));
    }
    LoggedRequest request;
    std::size_t line_end = head.find("\r\n");
    const std::string request_line = head.substr(0, line_end);
    const auto first_space = request_line.find(' ');
    const auto second_space = request_line.find(' ', first_space + 1);
    request.method = request_line.substr(0, first_space);
    request.path = request_line.substr(first_space + 1, second_space - first_space - 1);
    for (std::size_t start = line_end + 2; start < head.size();) {
        const std::size_t end = head.find("\r\n", start);
        if (end == std::string::npos || end == start) {
            break;
        }
        const std::string line = head.substr(start, end - start);
        if (const auto colon = line.find(':'); colon != std::string::npos) {
            std::string value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(' '));
            request.headers[lowercase(line.substr(0, colon))] = value;
        }
        start = end + 2;
    }

    std::optional<Resource> resource;
    {
        std::lock_guard lock(m_mutex);
        if (const auto found = m_resources.find(request.path); found != m_resources.end()) {
            resource = found->second;
        }
    }
    std::string body;
    std::size_t length = 0;
    if (!resource) {
        request.status = 404;
        body = "not found\n";
        length = body.size();
    } else {
        request.status = resource->status;
        const auto header = [&request](const char* name) {
            const auto found = request.headers.find(name);
            return found == request.headers.end() ? std::string() : found->second;
        };
        const bool etag_matches =
            !resource->etag.empty() && header("if-none-match") == resource->etag;
        const bool date_matches = !resource->last_modified.empty() &&
                                  header("if-modified-since") == resource->last_modified;
        if (request.status == 200 && (etag_matches || date_matches)) {
            request.status = 304;
        } else if (!resource->file.empty()) {
            length = std::filesystem::file_size(resource->file);
        } else {
            body = resource->body;
            length = body.size();
        }
    }
    std::string response = "HTTP/1.1 " + std::to_string(request.status) + " " +
                           reason_of(request.status) + "\r\nConnection: close\r\n";
    if (resource && !resource->etag.empty()) {
        response += "ETag: " + resource->etag + "\r\n";
    }
    if (resource && !resource->last_modified.empty()) {
        response += "Last-Modified: " + resource->last_modified + "\r\n";
    }
    if (request.status != 304) {
        response += "Content-Length: " + std::to_string(length) + "\r\n";
    }
    response += "\r\n";
    {
        std::lock_guard lock(m_mutex);
        m_requests.push_back(request);
    }
    if (!send_all(client, response.data(), response.size()) || request.status == 304 ||
        request.method == "HEAD") {
        return;
    }
    const std::size_t to_send =
        resource && resource->close_after ? std::min(*resource->close_after, length) : length;
    if (resource && !resource->file.empty()) {
        std::ifstream in(resource->file, std::ios::binary);
        std::vector<char> chunk(1 << 16);
        for (std::size_t sent = 0; sent < to_send;) {
            const std::size_t want = std::min(chunk.size(), to_send - sent);
            in.read(chunk.data(), static_cast<std::streamsize>(want));
            if (in.gcount() <= 0 ||
                !send_all(client, chunk.data(), static_cast<std::size_t>(in.gcount()))) {
                return;
            }
            sent += static_cast<std::size_t>(in.gcount());
        }
    } else {
        send_all(client, body.data(), to_send);
    }
}

} // namespace vmtest::test
