#include "kernel_source/url_cache.hpp"

#include <fstream>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "kernel_source/cache_staging.hpp"
#include "kernel_source/http_download.hpp"
#include "kernel_source/kernel_source_error.hpp"
#include "kernel_source/sha256.hpp"

namespace vmtest::kernel_source {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_content_name = "content";
constexpr std::string_view k_metadata_name = "meta.json";
// 128 bits of the URL's SHA-256 name its entry: short, and no collisions.
constexpr std::size_t k_entry_name_length = 32;

void write_metadata(const fs::path& file, const DownloadMetadata& metadata) {
    const nlohmann::json json = {{"url", metadata.url},
                                 {"sha256", metadata.sha256},
                                 {"size", metadata.size},
                                 {"etag", metadata.etag},
                                 {"last_modified", metadata.last_modified}};
    std::ofstream out(file);
    out << json.dump(2) << "\n";
    if (!out.flush()) {
        throw KernelSourceError("cannot write " + file.string());
    }
}

} // namespace

fs::path download_entry(const fs::path& cache_root, const std::string& url) {
    return cache_root / "downloads" / sha256_hex(url).substr(0, k_entry_name_length);
}

std::optional<DownloadMetadata> read_download_metadata(const fs::path& entry,
                                                       const std::string& url) {
    std::ifstream in(entry / k_metadata_name);
    if (!in) {
        return std::nullopt;
    }
    try {
        const auto json = nlohmann::json::parse(in);
        DownloadMetadata metadata{
            json.at("url").get<std::string>(), json.at("sha256").get<std::string>(),
            json.at("size").get<std::uint64_t>(), json.at("etag").get<std::string>(),
            json.at("last_modified").get<std::string>()};
        std::error_code error;
        if (metadata.url != url || fs::file_size(entry / k_content_name, error) != metadata.size ||
            error) {
            return std::nullopt;
        }
        return metadata;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

CachedDownload fetch_url(const std::string& url, const std::optional<std::string>& expected_sha256,
                         std::string_view pin_field, const fs::path& cache_root,
                         ProgressLine& progress) {
    const fs::path entry = download_entry(cache_root, url);
    auto cached = read_download_metadata(entry, url);
    const bool pinned_copy = cached && expected_sha256 && cached->sha256 == *expected_sha256;
    if (pinned_copy) {
        spdlog::debug("{}: cached copy matches {}; not asking the server", url, pin_field);
        return {entry / k_content_name, cached->sha256};
    }
    // A copy that does not match the pin must not be kept by a 304.
    const bool revalidate = cached && !expected_sha256;

    CacheStaging staging(cache_root);
    const fs::path body = staging.path() / k_content_name;
    HttpDownloadRequest request;
    request.url = url;
    request.output = body;
    if (revalidate) {
        request.cached = {cached->etag, cached->last_modified};
    }
    request.progress = [&](std::uint64_t received, std::uint64_t total) {
        progress.show("downloading " + url + ": " + describe_transfer(received, total),
                      received == total);
    };
    HttpDownloadResult result;
    try {
        result = http_download(request);
        progress.clear();
    } catch (const KernelSourceError& error) {
        progress.clear();
        if (!revalidate) {
            throw;
        }
        spdlog::warn("{}; using the copy downloaded before", error.what());
        return {entry / k_content_name, cached->sha256};
    }
    if (result.not_modified) {
        if (!revalidate) {
            throw KernelSourceError("cannot download " + url +
                                    ": HTTP status 304 (Not Modified) to a plain GET");
        }
        spdlog::debug("{}: not modified since it was downloaded", url);
        return {entry / k_content_name, cached->sha256};
    }
    if (expected_sha256 && result.sha256 != *expected_sha256) {
        throw KernelSourceError(url + ": its SHA-256 is " + result.sha256 + ", but " +
                                std::string(pin_field) + " is " + *expected_sha256);
    }
    write_metadata(
        staging.path() / k_metadata_name,
        {url, result.sha256, result.size, result.validators.etag, result.validators.last_modified});
    staging.publish(entry, CacheStaging::IfPresent::replace);
    return {entry / k_content_name, result.sha256};
}

} // namespace vmtest::kernel_source
