#include <gtest/gtest.h>

#include "../boot/test_support.hpp"
#include "kernel_source/kernel_source_error.hpp"
#include "kernel_source/sha256.hpp"

namespace vmtest::kernel_source {
namespace {

// FIPS 180-2's examples.
TEST(Sha256, KnownDigests) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, FileDigestEqualsTheDigestOfItsBytesAcrossChunks) {
    boot::test::TempDir dir;
    // Larger than one read, so chunks are joined.
    std::string content(200000, 'x');
    content += "end";
    boot::test::write_text(dir.path() / "file", content);
    EXPECT_EQ(sha256_file(dir.path() / "file"), sha256_hex(content));
    Sha256 split;
    split.update(std::string_view(content).substr(0, 7));
    split.update(std::string_view(content).substr(7));
    EXPECT_EQ(split.hex_digest(), sha256_hex(content));
}

TEST(Sha256, UnreadableFileNamesIt) {
    try {
        (void)sha256_file("/nonexistent/kernel.deb");
        FAIL();
    } catch (const KernelSourceError& error) {
        EXPECT_STREQ(error.what(),
                     "cannot read /nonexistent/kernel.deb: No such file or directory");
    }
}

} // namespace
} // namespace vmtest::kernel_source
