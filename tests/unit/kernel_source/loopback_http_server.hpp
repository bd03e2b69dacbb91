// A small HTTP/1.1 server on 127.0.0.1, for tests of downloads: serves
// files or strings with an ETag and Last-Modified, answers conditional
// requests with 304, can cut a response short, and logs every request.
// Loopback only; one connection at a time, each closed after its response.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace vmtest::test {

class LoopbackHttpServer {
  public:
    struct Resource {
        explicit Resource(std::string text = {}) : body(std::move(text)) {}
        static Resource of_file(std::filesystem::path path) {
            Resource resource;
            resource.file = std::move(path);
            return resource;
        }
        Resource with_etag(std::string value) const {
            return set(&Resource::etag, std::move(value));
        }
        Resource with_last_modified(std::string value) const {
            return set(&Resource::last_modified, std::move(value));
        }
        Resource closing_after(std::size_t bytes) const {
            return set(&Resource::close_after, std::optional<std::size_t>(bytes));
        }
        Resource with_status(int value) const { return set(&Resource::status, value); }

        std::string body;                       // served when `file` is empty
        std::filesystem::path file;             // served from disk (large bodies)
        std::string etag;                       // sent when set; If-None-Match on it gets 304
        std::string last_modified;              // sent when set; If-Modified-Since on it gets 304
        std::optional<std::size_t> close_after; // announce the whole length, close after N bytes
        int status = 200;                       // e.g. 500 (with `body` as the error page)

      private:
        template <typename T> Resource set(T Resource::*member, T value) const {
            Resource copy = *this;
            copy.*member = std::move(value);
            return copy;
        }
    };

    struct LoggedRequest {
        std::string method;
        std::string path;
        std::map<std::string, std::string> headers; // names lowercased
        int status = 0;
    };

    LoopbackHttpServer();
    ~LoopbackHttpServer();
    LoopbackHttpServer(const LoopbackHttpServer&) = delete;
    LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

    // Paths not served get 404.
    void serve(const std::string& path, Resource resource);
    std::string url(const std::string& path) const;
    std::uint16_t port() const { return m_port; }
    std::vector<LoggedRequest> requests() const;

    // A loopback port nothing listens on (bound, then released).
    static std::uint16_t unused_port();

  private:
    void loop();
    void handle(int client);

    int m_listener = -1;
    int m_stop_pipe[2] = {-1, -1};
    std::uint16_t m_port = 0;
    mutable std::mutex m_mutex;
    std::map<std::string, Resource> m_resources;
    std::vector<LoggedRequest> m_requests;
    std::thread m_thread;
};

} // namespace vmtest::test
