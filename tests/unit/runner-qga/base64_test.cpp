#include "base64.hpp"

#include <gtest/gtest.h>

#include "vmtest/plugin-support/errors.hpp"

namespace vmtest::protocol {
namespace {

TEST(Base64, Decodes) {
    EXPECT_EQ(base64_decode(""), "");
    EXPECT_EQ(base64_decode("YQ=="), "a");
    EXPECT_EQ(base64_decode("YWI="), "ab");
    EXPECT_EQ(base64_decode("YWJj"), "abc");
    EXPECT_EQ(base64_decode("aGkK"), "hi\n");
    EXPECT_EQ(base64_decode("aGVs\nbG8="), "hello");
    EXPECT_EQ(base64_decode("AP8="), std::string("\0\xff", 2));
}

TEST(Base64, RejectsForeignCharacters) {
    EXPECT_THROW(base64_decode("a@b="), MalformedMessage);
    EXPECT_THROW(base64_decode("YQ==YQ"), MalformedMessage);
}

}  // namespace
}  // namespace vmtest::protocol
