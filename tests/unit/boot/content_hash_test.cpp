#include "boot/boot_error.hpp"
#include "boot/content_hash.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace vmtest::boot {
namespace {

TEST(ContentHash, KnownFnv1aValues) {
    EXPECT_EQ(hash_bytes({}), "cbf29ce484222325");
    EXPECT_EQ(hash_bytes(test::to_bytes("a")), "af63dc4c8601ec8c");
    EXPECT_EQ(hash_bytes(test::to_bytes("foobar")), "85944171f73967e8");
}

TEST(ContentHash, FileMatchesBytesAcrossChunks) {
    test::TempDir dir;
    std::string text(3 << 20, 'x');  // spans several 1 MiB read chunks
    text[12345] = 'y';
    test::write_text(dir.path() / "f", text);
    EXPECT_EQ(hash_file(dir.path() / "f"), hash_bytes(test::to_bytes(text)));
}

TEST(ContentHash, FieldsAreLengthPrefixed) {
    ContentHasher a;
    a.update_field("ab");
    a.update_field("c");
    ContentHasher b;
    b.update_field("a");
    b.update_field("bc");
    EXPECT_NE(a.hex(), b.hex());
}

TEST(ContentHash, MissingFileNamesThePath) {
    try {
        (void)hash_file("/nonexistent/vmtest-file");
        FAIL() << "expected BootError";
    } catch (const BootError& error) {
        EXPECT_NE(std::string(error.what()).find("/nonexistent/vmtest-file"), std::string::npos);
    }
}

}  // namespace
}  // namespace vmtest::boot
