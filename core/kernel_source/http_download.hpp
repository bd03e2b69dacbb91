// One HTTP(S) GET into a file, through libcurl: redirects followed,
// conditional on what an earlier download's response said (ETag,
// Last-Modified), the body hashed as it arrives, progress reported, and
// Ctrl-C honoured. Only http:// and https:// are spoken, redirects included.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace vmtest::kernel_source {

// What a response says about the version it served, to ask next time
// whether it changed (If-None-Match / If-Modified-Since).
struct HttpValidators {
    std::string etag;          // as sent, quotes included
    std::string last_modified; // an HTTP date, as sent

    bool empty() const { return etag.empty() && last_modified.empty(); }
};

struct HttpDownloadRequest {
    std::string url;
    std::filesystem::path output; // created (or truncated) for the body
    HttpValidators cached;        // none: an unconditional GET
    // Called as the body arrives: bytes so far and the total (0 if unknown).
    std::function<void(std::uint64_t received, std::uint64_t total)> progress;
};

struct HttpDownloadResult {
    bool not_modified = false; // 304: the cached copy is current; `output` is empty
    HttpValidators validators; // of the final response
    std::string sha256;        // of the body written to `output`
    std::uint64_t size = 0;
};

// Throws KernelSourceError with one line "cannot download URL: REASON",
// REASON being the HTTP status ("HTTP status 404 (Not Found)"), the
// network error ("Failed to connect to 127.0.0.1 port 9 after 0 ms:
// Connection refused"), a transfer cut short, or "interrupted" (Ctrl-C).
// Any status but 2xx and 304 is an error.
HttpDownloadResult http_download(const HttpDownloadRequest& request);

} // namespace vmtest::kernel_source
