// The small pieces the parsers share.
#include <gtest/gtest.h>

#include <array>

#include "config/closest_match.hpp"
#include "config/memory_size.hpp"
#include "config/reporter_spec.hpp"

namespace vmtest::config {
namespace {

TEST(MemorySize, AcceptsQemuSyntax) {
    for (const char* size : {"4G", "512M", "2048", "1.5G", "4g", "1T", "65536K", "1073741824B"}) {
        EXPECT_TRUE(is_valid_memory_size(size)) << size;
    }
}

TEST(MemorySize, RejectsEverythingElse) {
    for (const char* size : {"", "G", "4GB", "0", "0G", "0.0", "-1G", "1.G", ".5G", "4 G", "four",
                             "4X", "1e3"}) {
        EXPECT_FALSE(is_valid_memory_size(size)) << size;
    }
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
