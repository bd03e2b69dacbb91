// Files downloaded from http(s) URLs, kept in the cache so each is
// downloaded once: <cache_root>/downloads/<digest of the URL>/ holds the
// body as `content` and `meta.json` (the URL, its SHA-256, size, and the
// ETag / Last-Modified to revalidate it with). A later run asks the server
// whether it changed (a conditional GET; 304 keeps the copy), or asks
// nothing when a pinned SHA-256 already matches the copy. A download is
// staged (cache_staging.hpp) and published only once complete and
// verified, so a failed or interrupted one leaves nothing behind.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "kernel_source/progress_line.hpp"

namespace vmtest::kernel_source {

struct CachedDownload {
    std::filesystem::path file; // the body, in the cache
    std::string sha256;
};

// What a download entry's meta.json records.
struct DownloadMetadata {
    std::string url;
    std::string sha256;
    std::uint64_t size = 0;
    std::string etag;
    std::string last_modified;
};

// Where `url`'s entry lives.
[[nodiscard]] std::filesystem::path download_entry(const std::filesystem::path& cache_root,
                                                   const std::string& url);

// The metadata of `entry` when it is complete and for `url` (the body is
// there with the recorded size); nullopt otherwise.
[[nodiscard]] std::optional<DownloadMetadata>
read_download_metadata(const std::filesystem::path& entry, const std::string& url);

// `url`'s body, from the cache when current. `expected_sha256` (lowercase
// hex), when given, must match what is served; `pin_field` names it in the
// message ("kernel_sha256"). When the server cannot be asked but a copy is
// cached, the copy is used with a warning (offline runs keep working).
// Throws KernelSourceError with one line naming the URL and the HTTP
// status, network error or digest mismatch.
CachedDownload fetch_url(const std::string& url, const std::optional<std::string>& expected_sha256,
                         std::string_view pin_field, const std::filesystem::path& cache_root,
                         ProgressLine& progress);

} // namespace vmtest::kernel_source
