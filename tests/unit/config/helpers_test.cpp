// The small pieces the parsers share.
#include <gtest/gtest.h>

#include <array>

#include "config/closest_match.hpp"
#include "config/control_characters.hpp"
#include "config/memory_size.hpp"
#include "config/reporter_spec.hpp"

namespace vmtest::config {
namespace {

TEST(MemorySize, AcceptsQemuSyntaxAsBytes) {
    constexpr std::uint64_t k_mib = 1024 * 1024;
    const std::pair<const char*, std::uint64_t> sizes[] = {
        {"4G", 4096 * k_mib},     {"512M", 512 * k_mib},       {"2048", 2048 * k_mib},
        {"1.5G", 1536 * k_mib},   {"4g", 4096 * k_mib},        {"1T", 1024 * 1024 * k_mib},
        {"65536K", 64 * k_mib},   {"1073741824B", 1024 * k_mib}, {"0.5G", 512 * k_mib},
        {"16M", 16 * k_mib},      {"0", 0},                    {"1E", std::uint64_t{1} << 60},
        {"15E", std::uint64_t{15} << 60}};
    for (const auto& [text, bytes] : sizes) {
        EXPECT_EQ(memory_size_bytes(text), bytes) << text;
    }
}

TEST(MemorySize, RejectsWhatQemuRejects) {
    for (const char* size : {"", "G", "4GB", "-1G", ".5G", "4 G", " 4G", "four", "4X", "1e3",
                             "1e3M", "0x100", "1..5G",
                             // A fraction needs a unit, and not B (QEMU: "0.5" is three lines
                             // of error).
                             "0.5", "1.5", "1.5B",
                             // 2^64 bytes and beyond: QEMU says "out of range".
                             "16E", "17179869184T", "99999999999999999999"}) {
        EXPECT_FALSE(memory_size_bytes(size)) << size;
    }
}

TEST(MemorySize, MinimumIsItsOwnText) {
    EXPECT_EQ(memory_size_bytes(k_min_memory_text), k_min_memory_bytes);
}

TEST(ControlCharacters, EveryC0C1AndDelIsFound) {
    for (int c = 0; c < 0x20; ++c) {
        EXPECT_TRUE(has_control_character(std::string("a") + static_cast<char>(c) + "b")) << c;
    }
    EXPECT_TRUE(has_control_character("a\x7f"));
    EXPECT_TRUE(has_control_character("\xc2\x9b[2J"));  // U+009B, the 8-bit CSI
    for (const char* clean : {"", "plain name", "6.1 (debug)", "测试", "café", "\xc2\xa0nbsp"}) {
        EXPECT_FALSE(has_control_character(clean)) << clean;
    }
}

TEST(ControlCharacters, ReplacedOneForOne) {
    EXPECT_EQ(replace_control_characters("a\nb\x1b[31mc\x7f\xc2\x85" "d"), "a?b?[31mc??d");
    EXPECT_EQ(replace_control_characters("测试"), "测试");
}

TEST(ReporterSpecSyntax, NameOnlyAndNameWithPath) {
    EXPECT_EQ(parse_reporter_spec("tap"), (ReporterSpec{"tap", std::nullopt}));
    EXPECT_EQ(parse_reporter_spec("junit=a/b=c.xml"),
              (ReporterSpec{"junit", std::filesystem::path("a/b=c.xml")}));
}

TEST(ReporterSpecSyntax, Invalid) {
    for (const char* spec : {"", "=x", "junit=", "bad name", "a/b"}) {
        EXPECT_FALSE(parse_reporter_spec(spec)) << spec;
    }
}

TEST(ClosestMatch, SuggestsTyposOnly) {
    constexpr std::array<std::string_view, 3> k_fields = {"kernel", "image", "command"};
    EXPECT_EQ(closest_match("kernal", k_fields), "kernel");
    EXPECT_EQ(closest_match("comand", k_fields), "command");
    EXPECT_EQ(closest_match("imgae", k_fields), "image");
    EXPECT_FALSE(closest_match("timeout", k_fields));
    EXPECT_FALSE(closest_match("ab", k_fields));
}

}  // namespace
}  // namespace vmtest::config
