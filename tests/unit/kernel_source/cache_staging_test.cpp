#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "../boot/test_support.hpp"
#include "kernel_source/cache_staging.hpp"

namespace vmtest::kernel_source {
namespace {

namespace fs = std::filesystem;
using boot::test::read_text;
using boot::test::write_text;

class CacheStagingTest : public ::testing::Test {
  protected:
    boot::test::TempDir m_dir;
    fs::path m_cache = m_dir.path();
    fs::path m_entry = m_cache / "downloads/abc";
};

TEST_F(CacheStagingTest, NothingIsVisibleUntilPublishedAndNothingStaysBehind) {
    {
        CacheStaging staging(m_cache);
        write_text(staging.path() / "content", "new");
        EXPECT_FALSE(fs::exists(m_entry));
        staging.publish(m_entry, CacheStaging::IfPresent::replace);
        EXPECT_EQ(read_text(m_entry / "content"), "new");
    }
    EXPECT_TRUE(fs::is_empty(m_cache / "staging"));
}

TEST_F(CacheStagingTest, AnAbandonedStagingLeavesNothing) {
    {
        CacheStaging staging(m_cache);
        write_text(staging.path() / "content", "half");
    }
    EXPECT_FALSE(fs::exists(m_entry));
    EXPECT_TRUE(fs::is_empty(m_cache / "staging"));
}

TEST_F(CacheStagingTest, ReplaceSwapsInTheNewEntryKeepLeavesTheOldOne) {
    write_text(m_entry / "content", "old");
    {
        CacheStaging staging(m_cache);
        write_text(staging.path() / "content", "same content, other copy");
        staging.publish(m_entry, CacheStaging::IfPresent::keep);
    }
    EXPECT_EQ(read_text(m_entry / "content"), "old");
    {
        CacheStaging staging(m_cache);
        write_text(staging.path() / "content", "newer");
        staging.publish(m_entry, CacheStaging::IfPresent::replace);
    }
    EXPECT_EQ(read_text(m_entry / "content"), "newer");
    EXPECT_TRUE(fs::is_empty(m_cache / "staging")) << "the old entry goes with the staging";
}

TEST_F(CacheStagingTest, WhatAKilledRunStagedIsRemovedByTheNextOne) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        // Dies mid-download, as with kill -9: no destructor runs.
        CacheStaging staging(m_cache);
        write_text(staging.path() / "content", "partial");
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_FALSE(fs::is_empty(m_cache / "staging"));
    {
        CacheStaging next(m_cache);
        int entries = 0;
        for ([[maybe_unused]] const auto& entry : fs::directory_iterator(m_cache / "staging")) {
            ++entries;
        }
        EXPECT_EQ(entries, 1) << "only the live run's own staging remains";
    }
    EXPECT_TRUE(fs::is_empty(m_cache / "staging"));
}

} // namespace
} // namespace vmtest::kernel_source
