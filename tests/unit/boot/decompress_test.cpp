#include "boot/boot_error.hpp"
#include "boot/decompress.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace vmtest::boot {
namespace {

std::vector<std::byte> sample_data() {
    std::string text;
    for (int i = 0; i < 200000; ++i) {
        text += std::to_string(i * 7919 % 1000) + ",";
    }
    return test::to_bytes(text);
}

struct Case {
    Compression compression;
    std::vector<std::byte> (*compress)(std::span<const std::byte>);
};

// Keeps test names readable in ctest (no byte dumps of the parameter).
void PrintTo(const Case& c, std::ostream* out) { *out << to_string(c.compression); }

class DecompressRoundTrip : public ::testing::TestWithParam<Case> {};

TEST_P(DecompressRoundTrip, RecoversInputAndIgnoresTrailer) {
    std::vector<std::byte> input = sample_data();
    std::vector<std::byte> packed = GetParam().compress(input);
    EXPECT_EQ(detect_compression(packed), GetParam().compression);
    // Like a kernel payload: the stream, then a 4-byte size.
    packed.insert(packed.end(), {std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}});
    EXPECT_EQ(decompress(GetParam().compression, packed, "test"), input);
    // A too-small or too-large size hint does not matter.
    EXPECT_EQ(decompress(GetParam().compression, packed, "test", 10), input);
    EXPECT_EQ(decompress(GetParam().compression, packed, "test", input.size() * 3), input);
}

TEST_P(DecompressRoundTrip, TruncatedInputThrowsNamingTheSource) {
    std::vector<std::byte> packed = GetParam().compress(sample_data());
    packed.resize(packed.size() / 2);
    try {
        (void)decompress(GetParam().compression, packed, "payload of /boot/x");
        FAIL() << "expected BootError";
    } catch (const BootError& error) {
        EXPECT_NE(std::string(error.what()).find("payload of /boot/x"), std::string::npos) << error.what();
    }
}

// A limit stops the output there, whatever the stream holds: a header can
// be read without decompressing the rest, and a huge stream costs no more.
TEST_P(DecompressRoundTrip, LimitStopsTheOutput) {
    std::vector<std::byte> input = sample_data();
    std::vector<std::byte> packed = GetParam().compress(input);
    for (std::size_t limit : {std::size_t{0}, std::size_t{64}, input.size() / 2,
                              input.size(), input.size() + 1}) {
        std::vector<std::byte> expected(input.begin(),
                                        input.begin() + static_cast<std::ptrdiff_t>(
                                                            std::min(limit, input.size())));
        EXPECT_EQ(decompress(GetParam().compression, packed, "test", 0, limit), expected)
            << "limit " << limit;
        EXPECT_EQ(decompress(GetParam().compression, packed, "test", input.size() * 2, limit),
                  expected)
            << "limit " << limit << " with a larger size hint";
    }
}

// inspect() reads a gzipped kernel's header from the start of the file: the
// start of a gzip stream whose end is missing is still its start.
TEST(Decompress, GzipLimitNeedsOnlyTheStartOfTheStream) {
    std::vector<std::byte> input = sample_data();
    std::vector<std::byte> packed = test::compress_gzip(input);
    packed.resize(packed.size() / 2);
    EXPECT_EQ(decompress(Compression::gzip, packed, "test", 0, 64),
              std::vector<std::byte>(input.begin(), input.begin() + 64));
}

INSTANTIATE_TEST_SUITE_P(AllFormats, DecompressRoundTrip,
                         ::testing::Values(Case{Compression::xz, test::compress_xz},
                                           Case{Compression::gzip, test::compress_gzip},
                                           Case{Compression::zstd, test::compress_zstd}),
                         [](const auto& info) { return std::string(to_string(info.param.compression)); });

TEST(Decompress, DetectsOtherFormatsAndPlainData) {
    EXPECT_EQ(detect_compression(test::to_bytes("BZh91AY")), Compression::other);
    EXPECT_EQ(detect_compression(test::to_bytes("\x02\x21\x4c\x18xxxx")), Compression::other);
    EXPECT_EQ(detect_compression(test::to_bytes("\x7f" "ELF")), Compression::none);
    EXPECT_EQ(detect_compression({}), Compression::none);
}

TEST(Decompress, UnsupportedCompressionThrows) {
    EXPECT_THROW((void)decompress(Compression::other, test::to_bytes("BZh9"), "x"), BootError);
}

}  // namespace
}  // namespace vmtest::boot
