#include "qga_version.hpp"

#include <gtest/gtest.h>

namespace vmtest::protocol {
namespace {

QgaVersion v(const char* text) { return QgaVersion::parse(text).value(); }

TEST(QgaVersion, Parses) {
    EXPECT_EQ(v("7.2.22"), (QgaVersion{7, 2}));
    EXPECT_EQ(v("8.1.0-rc1"), (QgaVersion{8, 1}));
    EXPECT_EQ(v("10.0"), (QgaVersion{10, 0}));
    EXPECT_EQ(v("9"), (QgaVersion{9, 0}));
    EXPECT_EQ(v("9."), (QgaVersion{9, 0}));
    EXPECT_FALSE(QgaVersion::parse("").has_value());
    EXPECT_FALSE(QgaVersion::parse("v8.1").has_value());
    EXPECT_EQ(v("7.2.22").to_string(), "7.2");
}

TEST(QgaVersion, ComparesAsANumberPair) {
    const QgaVersion merged_output{8, 1};
    EXPECT_LT(v("7.2"), merged_output);
    EXPECT_LT(v("8.0"), merged_output);
    EXPECT_EQ(v("8.1.3"), merged_output);
    // A string compare gets this wrong ("10.0" < "8.1").
    EXPECT_GT(v("10.0"), merged_output);
    // A float compare gets this wrong (8.10 == 8.1).
    EXPECT_GT(v("8.10"), merged_output);
    EXPECT_TRUE(v("10.0").at_least(8, 1));
    EXPECT_FALSE(v("7.2.22").at_least(8, 1));
}

}  // namespace
}  // namespace vmtest::protocol
