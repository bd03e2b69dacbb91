#include "vmtest/plugin-support/json_reader.hpp"

#include <sys/socket.h>

#include <gtest/gtest.h>

#include "vmtest/plugin-support/errors.hpp"

namespace vmtest::protocol {
namespace {

using namespace std::chrono_literals;

class JsonReaderTest : public ::testing::Test {
  protected:
    void SetUp() override {
        int fds[2];
        ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
        m_in = UnixSocket(fds[0]);
        m_out = UnixSocket(fds[1]);
    }
    void send(const std::string& text) { m_out.write_all(text, deadline_after(1s)); }
    nlohmann::json next() { return m_reader.read_object(m_in, deadline_after(1s)); }

    UnixSocket m_in;
    UnixSocket m_out;
    JsonReader m_reader;
};

TEST_F(JsonReaderTest, ReadsObjectsSplitAcrossWrites) {
    send("{\"a\": [1, {\"b\"");
    send(": 2}]}\r\n{\"c\": 3}{\"d\"");
    send(": 4}");
    EXPECT_EQ(next(), nlohmann::json({{"a", {1, {{"b", 2}}}}}));
    EXPECT_EQ(next(), nlohmann::json({{"c", 3}}));
    EXPECT_EQ(next(), nlohmann::json({{"d", 4}}));
}

TEST_F(JsonReaderTest, BracesAndQuotesInsideStringsDoNotCount) {
    send(R"({"s": "}{ \" \\", "t": "]"})");
    EXPECT_EQ(next()["s"], "}{ \" \\");
}

TEST_F(JsonReaderTest, SkipsBytesBetweenObjects) {
    send("garbage 123 ]\n{\"ok\": true}");
    EXPECT_EQ(next()["ok"], true);
}

TEST_F(JsonReaderTest, FlushByteDiscardsAPartialObject) {
    send("{\"broken\": \"never ends\xff{\"ok\": 1}");
    EXPECT_EQ(next(), nlohmann::json({{"ok", 1}}));
}

TEST_F(JsonReaderTest, MalformedObjectThrowsAndTheReaderRecovers) {
    send("{not json}\n{\"ok\": 2}");
    EXPECT_THROW(next(), MalformedMessage);
    EXPECT_EQ(next()["ok"], 2);
}

TEST_F(JsonReaderTest, TimesOutOnAPartialObject) {
    send("{\"half\": ");
    EXPECT_THROW(m_reader.read_object(m_in, deadline_after(100ms)), TimeoutError);
    send("7}");
    EXPECT_EQ(next()["half"], 7);
}

TEST_F(JsonReaderTest, ClosedMidObjectIsConnectionClosed) {
    send("{\"half\": ");
    m_out.close();
    EXPECT_THROW(next(), ConnectionClosed);
}

TEST_F(JsonReaderTest, ReadsLines) {
    send("first\r\nsecond\nthi");
    send("rd\n");
    EXPECT_EQ(m_reader.read_line(m_in, deadline_after(1s)), "first");
    EXPECT_EQ(m_reader.read_line(m_in, deadline_after(1s)), "second");
    EXPECT_EQ(m_reader.read_line(m_in, deadline_after(1s)), "third");
}

TEST_F(JsonReaderTest, DiscardThroughDropsEverythingUpToTheDelimiter) {
    send("{\"stale\": 1} junk\xff{\"fresh\": 2}");
    m_reader.discard_through('\xff', m_in, deadline_after(1s));
    EXPECT_EQ(next(), nlohmann::json({{"fresh", 2}}));
}

}  // namespace
}  // namespace vmtest::protocol
