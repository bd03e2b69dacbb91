// Downloads through real libcurl from a real (loopback) HTTP server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../boot/test_support.hpp"
#include "kernel_source/http_download.hpp"
#include "kernel_source/kernel_source_error.hpp"
#include "kernel_source/sha256.hpp"
#include "kernel_source/url_cache.hpp"
#include "loopback_http_server.hpp"

namespace vmtest::kernel_source {
namespace {

namespace fs = std::filesystem;
using test::LoopbackHttpServer;
using ::testing::HasSubstr;

class UrlCacheTest : public ::testing::Test {
  protected:
    CachedDownload fetch(const std::string& path, std::optional<std::string> pin = std::nullopt) {
        return fetch_url(m_server.url(path), pin, "kernel_sha256", m_cache, m_progress);
    }

    std::string fetch_error(const std::string& url, std::optional<std::string> pin = std::nullopt) {
        try {
            (void)fetch_url(url, pin, "kernel_sha256", m_cache, m_progress);
        } catch (const KernelSourceError& error) {
            return error.what();
        }
        ADD_FAILURE() << "no error for " << url;
        return "";
    }

    // Every regular file under the cache: a failed download must leave none.
    std::vector<std::string> cached_files() const {
        std::vector<std::string> files;
        if (fs::exists(m_cache)) {
            for (const auto& entry : fs::recursive_directory_iterator(m_cache)) {
                if (!entry.is_directory()) {
                    files.push_back(entry.path().lexically_relative(m_cache).string());
                }
            }
        }
        return files;
    }

    boot::test::TempDir m_dir;
    fs::path m_cache = m_dir.path() / "cache";
    LoopbackHttpServer m_server;
    ProgressLine m_progress{false, 2};
};

TEST_F(UrlCacheTest, DownloadsOnceThenRevalidatesWithAConditionalGet) {
    m_server.serve("/k.deb", LoopbackHttpServer::Resource("package bytes")
                                 .with_etag("\"v1\"")
                                 .with_last_modified("Tue, 01 Apr 2025 10:00:00 GMT"));
    const auto first = fetch("/k.deb");
    EXPECT_EQ(boot::test::read_text(first.file), "package bytes");
    EXPECT_EQ(first.sha256, sha256_hex("package bytes"));
    EXPECT_EQ(first.file.parent_path(), download_entry(m_cache, m_server.url("/k.deb")));
    const auto metadata = read_download_metadata(first.file.parent_path(), m_server.url("/k.deb"));
    ASSERT_TRUE(metadata);
    EXPECT_EQ(metadata->etag, "\"v1\"");
    EXPECT_EQ(metadata->last_modified, "Tue, 01 Apr 2025 10:00:00 GMT");
    EXPECT_EQ(metadata->size, 13U);

    const auto second = fetch("/k.deb");
    EXPECT_EQ(second.file, first.file);
    const auto requests = m_server.requests();
    ASSERT_EQ(requests.size(), 2U);
    EXPECT_EQ(requests[0].status, 200);
    EXPECT_EQ(requests[0].headers.count("if-none-match"), 0U);
    EXPECT_EQ(requests[1].headers.at("if-none-match"), "\"v1\"");
    EXPECT_EQ(requests[1].headers.at("if-modified-since"), "Tue, 01 Apr 2025 10:00:00 GMT");
    EXPECT_EQ(requests[1].status, 304);
    EXPECT_THAT(cached_files(),
                ::testing::UnorderedElementsAre(HasSubstr("/content"), HasSubstr("/meta.json")));
}

TEST_F(UrlCacheTest, ANewVersionReplacesTheCachedOne) {
    m_server.serve("/k", LoopbackHttpServer::Resource("old").with_etag("\"1\""));
    (void)fetch("/k");
    m_server.serve("/k", LoopbackHttpServer::Resource("newer").with_etag("\"2\""));
    const auto updated = fetch("/k");
    EXPECT_EQ(boot::test::read_text(updated.file), "newer");
    EXPECT_EQ(read_download_metadata(updated.file.parent_path(), m_server.url("/k"))->etag,
              "\"2\"");
    EXPECT_EQ(cached_files().size(), 2U) << "the old copy must be gone";
}

TEST_F(UrlCacheTest, APinnedCopyIsUsedWithoutAskingTheServer) {
    m_server.serve("/k", LoopbackHttpServer::Resource("pinned").with_etag("\"1\""));
    (void)fetch("/k", sha256_hex("pinned"));
    (void)fetch("/k", sha256_hex("pinned"));
    EXPECT_EQ(m_server.requests().size(), 1U);
}

TEST_F(UrlCacheTest, AWrongPinFailsAndLeavesNothing) {
    m_server.serve("/k", LoopbackHttpServer::Resource("served"));
    const std::string wrong(64, 'a');
    EXPECT_EQ(fetch_error(m_server.url("/k"), wrong), m_server.url("/k") + ": its SHA-256 is " +
                                                          sha256_hex("served") +
                                                          ", but kernel_sha256 is " + wrong);
    EXPECT_THAT(cached_files(), ::testing::IsEmpty());
}

TEST_F(UrlCacheTest, HttpErrorsNameTheUrlAndStatusAndLeaveNothing) {
    EXPECT_EQ(fetch_error(m_server.url("/missing.deb")),
              "cannot download " + m_server.url("/missing.deb") + ": HTTP status 404 (Not Found)");
    m_server.serve("/broken", LoopbackHttpServer::Resource("oops").with_status(500));
    EXPECT_EQ(fetch_error(m_server.url("/broken")),
              "cannot download " + m_server.url("/broken") +
                  ": HTTP status 500 (Internal Server Error)");
    EXPECT_THAT(cached_files(), ::testing::IsEmpty());
}

TEST_F(UrlCacheTest, ARefusedConnectionIsANetworkError) {
    const std::string url =
        "http://127.0.0.1:" + std::to_string(LoopbackHttpServer::unused_port()) + "/k.deb";
    const std::string error = fetch_error(url);
    EXPECT_THAT(error, ::testing::StartsWith("cannot download " + url + ": "));
    EXPECT_THAT(error, HasSubstr("Connection refused"));
    EXPECT_THAT(cached_files(), ::testing::IsEmpty());
}

TEST_F(UrlCacheTest, ATruncatedTransferFailsAndLeavesNothing) {
    m_server.serve("/k",
                   LoopbackHttpServer::Resource(std::string(100000, 'k')).closing_after(1000));
    const std::string error = fetch_error(m_server.url("/k"));
    EXPECT_THAT(error, ::testing::StartsWith("cannot download " + m_server.url("/k") + ": "));
    EXPECT_THAT(error, HasSubstr("99000 bytes remaining"));
    EXPECT_THAT(cached_files(), ::testing::IsEmpty());
}

TEST_F(UrlCacheTest, WhenTheServerIsGoneTheCachedCopyIsUsed) {
    std::string url;
    {
        LoopbackHttpServer server;
        server.serve("/k", LoopbackHttpServer::Resource("cached").with_etag("\"1\""));
        url = server.url("/k");
        (void)fetch_url(url, std::nullopt, "kernel_sha256", m_cache, m_progress);
    }
    const auto offline = fetch_url(url, std::nullopt, "kernel_sha256", m_cache, m_progress);
    EXPECT_EQ(boot::test::read_text(offline.file), "cached");
}

TEST_F(UrlCacheTest, MetadataOfAnotherUrlOrAnIncompleteBodyIsNotTrusted) {
    m_server.serve("/k", LoopbackHttpServer::Resource("content"));
    const auto download = fetch("/k");
    const auto entry = download.file.parent_path();
    EXPECT_FALSE(read_download_metadata(entry, m_server.url("/other")));
    boot::test::write_text(download.file, "cont");
    EXPECT_FALSE(read_download_metadata(entry, m_server.url("/k")));
}

TEST(DownloadEntry, OnePerUrl) {
    EXPECT_EQ(download_entry("/c", "http://h/a"), download_entry("/c", "http://h/a"));
    EXPECT_NE(download_entry("/c", "http://h/a"), download_entry("/c", "http://h/b"));
    EXPECT_EQ(download_entry("/c", "http://h/a").parent_path(), fs::path("/c/downloads"));
}

TEST(HttpDownload, ReportsProgressAndFollowsNoOtherSchemes) {
    LoopbackHttpServer server;
    server.serve("/big", LoopbackHttpServer::Resource(std::string(300000, 'b')));
    boot::test::TempDir dir;
    std::uint64_t last = 0;
    std::uint64_t total = 0;
    HttpDownloadRequest request{
        server.url("/big"), dir.path() / "out", {}, [&](std::uint64_t received, std::uint64_t of) {
            last = received;
            total = of;
        }};
    const auto result = http_download(request);
    EXPECT_EQ(last, 300000U);
    EXPECT_EQ(total, 300000U);
    EXPECT_EQ(result.size, 300000U);
    request.url = "file:///etc/passwd";
    EXPECT_THROW((void)http_download(request), KernelSourceError);
}

} // namespace
} // namespace vmtest::kernel_source
