#include "kernel_source/http_download.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include "kernel_source/kernel_source_error.hpp"
#include "kernel_source/sha256.hpp"
#include "util/cancellation.hpp"

namespace vmtest::kernel_source {
namespace {

// A stalled server must not hang a run forever: less than one byte a
// second for a minute fails the download, as does a connection that takes
// half a minute to open.
constexpr long k_connect_timeout_s = 30;
constexpr long k_low_speed_time_s = 60;
constexpr long k_max_redirects = 10;

void initialize_curl_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            throw KernelSourceError("cannot initialize libcurl");
        }
    });
}

std::string trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    return std::string(text);
}

bool has_name(std::string_view line, std::string_view name) {
    return line.size() > name.size() && line[name.size()] == ':' &&
           std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) ==
                      std::tolower(static_cast<unsigned char>(b));
           });
}

// Everything the callbacks share for one transfer.
struct Transfer {
    Transfer(const HttpDownloadRequest& request, std::FILE* output)
        : request(request), output(output) {}

    const HttpDownloadRequest& request;
    std::FILE* output;
    Sha256 hasher;
    std::uint64_t size = 0;
    bool write_failed = false;
    int write_errno = 0;
    std::string status_line; // of the latest response ("HTTP/1.1 404 Not Found")
    HttpValidators validators;
};

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto& transfer = *static_cast<Transfer*>(user);
    const std::string_view line(data, size * count);
    if (line.rfind("HTTP/", 0) == 0) {
        // A new response (after a redirect): forget the previous one's headers.
        transfer.status_line = trim(line);
        transfer.validators = {};
    } else if (has_name(line, "etag")) {
        transfer.validators.etag = trim(line.substr(5));
    } else if (has_name(line, "last-modified")) {
        transfer.validators.last_modified = trim(line.substr(14));
    }
    return size * count;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto& transfer = *static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    if (std::fwrite(data, 1, bytes, transfer.output) != bytes) {
        transfer.write_failed = true;
        transfer.write_errno = errno;
        return 0; // makes curl fail with CURLE_WRITE_ERROR
    }
    transfer.hasher.update(std::as_bytes(std::span(data, bytes)));
    transfer.size += bytes;
    return bytes;
}

int on_progress(void* user, curl_off_t total, curl_off_t received, curl_off_t, curl_off_t) {
    if (util::cancellation_requested()) {
        return 1; // CURLE_ABORTED_BY_CALLBACK
    }
    const auto& transfer = *static_cast<Transfer*>(user);
    if (transfer.request.progress && received > 0) {
        transfer.request.progress(static_cast<std::uint64_t>(received),
                                  static_cast<std::uint64_t>(std::max<curl_off_t>(total, 0)));
    }
    return 0;
}

// "HTTP/1.1 404 Not Found" -> " (Not Found)"; HTTP/2 has no reason phrase.
std::string reason_phrase(const std::string& status_line) {
    const auto first = status_line.find(' ');
    const auto second = first == std::string::npos ? first : status_line.find(' ', first + 1);
    if (second == std::string::npos || second + 1 >= status_line.size()) {
        return "";
    }
    return " (" + status_line.substr(second + 1) + ")";
}

struct CurlDeleter {
    void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct HeaderListDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
};

} // namespace

HttpDownloadResult http_download(const HttpDownloadRequest& request) {
    initialize_curl_once();
    const std::string failure = "cannot download " + request.url + ": ";
    std::unique_ptr<std::FILE, FileCloser> output(std::fopen(request.output.c_str(), "wbe"));
    if (!output) {
        throw KernelSourceError(failure + "cannot create " + request.output.string() + ": " +
                                std::strerror(errno));
    }
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) {
        throw KernelSourceError(failure + "cannot start libcurl");
    }
    Transfer transfer(request, output.get());
    std::unique_ptr<curl_slist, HeaderListDeleter> headers;
    const auto add_header = [&headers](const std::string& header) {
        headers.reset(curl_slist_append(headers.release(), header.c_str()));
    };
    if (!request.cached.etag.empty()) {
        add_header("If-None-Match: " + request.cached.etag);
    }
    if (!request.cached.last_modified.empty()) {
        add_header("If-Modified-Since: " + request.cached.last_modified);
    }
    char error_text[CURL_ERROR_SIZE] = "";
    CURL* handle = curl.get();
    curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(handle, CURLOPT_MAXREDIRS, k_max_redirects);
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, k_connect_timeout_s);
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, k_low_speed_time_s);
    curl_easy_setopt(handle, CURLOPT_USERAGENT, "vmtest");
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_text);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(handle, CURLOPT_XFERINFODATA, &transfer);
    curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
    // Signals stay vmtest's (Ctrl-C is polled in on_progress).
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);

    const CURLcode code = curl_easy_perform(handle);
    if (code == CURLE_ABORTED_BY_CALLBACK) {
        throw KernelSourceError(failure + "interrupted");
    }
    if (code == CURLE_WRITE_ERROR && transfer.write_failed) {
        throw KernelSourceError(failure + "cannot write " + request.output.string() + ": " +
                                std::strerror(transfer.write_errno));
    }
    if (code != CURLE_OK) {
        std::string reason = error_text[0] != '\0' ? error_text : curl_easy_strerror(code);
        long os_errno = 0;
        curl_easy_getinfo(handle, CURLINFO_OS_ERRNO, &os_errno);
        if (os_errno != 0) {
            const std::string os_reason = std::strerror(static_cast<int>(os_errno));
            if (reason.find(os_reason) == std::string::npos) {
                reason += " (" + os_reason + ")";
            }
        }
        throw KernelSourceError(failure + reason);
    }
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    if (status != 304 && (status < 200 || status > 299)) {
        throw KernelSourceError(failure + "HTTP status " + std::to_string(status) +
                                reason_phrase(transfer.status_line));
    }
    if (std::fflush(output.get()) != 0 || std::fclose(output.release()) != 0) {
        throw KernelSourceError(failure + "cannot write " + request.output.string() + ": " +
                                std::strerror(errno));
    }
    HttpDownloadResult result;
    result.not_modified = status == 304;
    result.validators = transfer.validators;
    result.sha256 = transfer.hasher.hex_digest();
    result.size = transfer.size;
    spdlog::debug("GET {}: HTTP {}, {} bytes", request.url, status, result.size);
    return result;
}

} // namespace vmtest::kernel_source
