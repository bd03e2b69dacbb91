// The command's output on its way to reporters: the event bus publishes
// each chunk's exact bytes and a text that never corrupts a character split
// between chunks, and the real console plugin (dlopen'ed, JSON in between)
// writes those bytes unchanged, ending an unfinished output line before its
// own lines only where its own lines go.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "event_bus_support.hpp"
#include "run/events.hpp"
#include "vmtest/sdk/bytes.hpp"

namespace vmtest::run {
namespace {

using ::testing::ElementsAre;

const std::filesystem::path k_plugins = VMTEST_PLUGIN_DIR;
const std::filesystem::path k_test_plugins = VMTEST_TEST_PLUGIN_DIR;
const std::string k_fffd(sdk::k_replacement_character);

std::string read_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

using testing::passed;
using testing::reporter;

class OutputEventsTest : public ::testing::Test {
  protected:
    OutputEventsTest() { std::filesystem::create_directories(m_dir); }
    ~OutputEventsTest() override { std::filesystem::remove_all(m_dir); }

    // Output events as the recording reporter received them.
    std::vector<nlohmann::json> outputs() const {
        std::vector<nlohmann::json> events;
        std::ifstream in(m_dir / "events");
        for (std::string line; std::getline(in, line);) {
            auto event = nlohmann::json::parse(line);
            if (event["type"] == "output") {
                events.push_back(std::move(event));
            }
        }
        return events;
    }
    void record(EventBus& bus) {
        bus.add(reporter(k_test_plugins / "test-recording.so",
                         {{"path", (m_dir / "events").string()}, {"whole", true}}));
    }

    std::filesystem::path m_dir = std::filesystem::temp_directory_path() /
                                  ("vmtest-output-events-" + std::to_string(::getpid()));
};

TEST_F(OutputEventsTest, TextNeverSplitsACharacterAndBytesStayExact) {
    EventBus bus;
    record(bus);
    bus.target_started("t", 0);
    bus.output("t", VMTEST_STREAM_STDOUT, "plain\n");
    bus.output("t", VMTEST_STREAM_STDOUT, "a\xe2\x82");
    bus.output("t", VMTEST_STREAM_STDERR, "\xf0\x9f");  // another stream: its own carry
    bus.output("t", VMTEST_STREAM_STDOUT, "\xac \xff\n");
    bus.output("t", VMTEST_STREAM_STDERR, "\x98\x80\xe2");  // ends unfinished
    bus.target_finished(passed("t"));

    const auto events = outputs();
    std::vector<std::string> texts;
    std::string out_bytes;
    std::string err_bytes;
    for (const auto& event : events) {
        texts.push_back(event["data"]);
        (event["stream"] == "stdout" ? out_bytes : err_bytes) += sdk::output_bytes(event);
    }
    EXPECT_THAT(texts, ElementsAre("plain\n", "a", "", "\xe2\x82\xac " + k_fffd + "\n",
                                   "\xf0\x9f\x98\x80", k_fffd));
    EXPECT_EQ(out_bytes, "plain\na\xe2\x82\xac \xff\n");
    EXPECT_EQ(err_bytes, "\xf0\x9f\x98\x80\xe2");
    EXPECT_FALSE(events[0].contains("data_base64")) << "plain UTF-8 needs no copy";
    EXPECT_TRUE(events[1].contains("data_base64"));
    EXPECT_EQ(events[5]["stream"], "stderr");
    EXPECT_EQ(events[5]["data_base64"], "") << "the closing U+FFFD stands for bytes already sent";
}

// A console reporter writing to files: its own fd, and fd 2 (the command's
// stderr) redirected for the test's duration.
class ConsoleTest : public OutputEventsTest {
  protected:
    void SetUp() override {
        m_saved_stderr = ::dup(2);
        const int file = ::open((m_dir / "fd2").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(file, 2);
        ::close(file);
        m_console_fd = ::open((m_dir / "console").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    }
    void TearDown() override {
        ::dup2(m_saved_stderr, 2);
        ::close(m_saved_stderr);
        ::close(m_console_fd);
    }
    void add_console(EventBus& bus, bool tty, int fd) {
        bus.add(reporter(k_plugins / "reporter-console.so",
                         {{"fd", fd}, {"tty", tty}, {"color", false}}));
    }
    std::string console() const { return read_bytes(m_dir / "console"); }
    std::string fd2() const { return read_bytes(m_dir / "fd2"); }

    int m_saved_stderr = -1;
    int m_console_fd = -1;
};

TEST_F(ConsoleTest, WritesTheCommandsBytesUnchanged) {
    EventBus bus;
    add_console(bus, false, m_console_fd);
    std::string bytes;
    for (int c = 0; c < 256; ++c) {
        bytes += static_cast<char>(c);
    }
    bytes += "\n\xc0\xaf \xe2\x82\xac\n";
    bus.target_started("t", 0);
    // Cut everywhere, including inside characters.
    for (std::size_t at = 0; at < bytes.size(); at += 7) {
        bus.output("t", VMTEST_STREAM_STDOUT, std::string_view(bytes).substr(at, 7));
    }
    bus.target_finished(passed("t"));
    EXPECT_EQ(console(), "=> t\n" + bytes + "PASS\n");
}

TEST_F(ConsoleTest, EndsAnUnfinishedOutputLineBeforeItsOwnLines) {
    EventBus bus;
    add_console(bus, false, m_console_fd);
    bus.target_started("t", 0);
    bus.stage("t", Stage::running);
    bus.output("t", VMTEST_STREAM_STDOUT, "xxxx");
    bus.stage("t", Stage::stopping);
    bus.output("t", VMTEST_STREAM_STDOUT, "late");
    bus.target_finished(passed("t"));
    EXPECT_EQ(console(), "=> t\n===> Running command\nxxxx\n===> Shutting down\nlate\nPASS\n");
}

TEST_F(ConsoleTest, OnATerminalTheStageLineNeverOverwritesOutput) {
    EventBus bus;
    add_console(bus, true, m_console_fd);
    bus.target_started("t", 0);
    bus.stage("t", Stage::running);
    bus.output("t", VMTEST_STREAM_STDOUT, "xxxx");
    bus.stage("t", Stage::stopping);
    bus.target_finished(passed("t"));
    // The "\r\033[K" that redraws a stage line comes after a newline.
    EXPECT_EQ(console(), "=> t\n\r\033[K===> Running command\r\033[Kxxxx\n"
                         "\r\033[K===> Shutting down\r\033[KPASS\n");
}

TEST_F(ConsoleTest, StderrInAnotherFileGetsNothingAdded) {
    EventBus bus;
    add_console(bus, false, m_console_fd);
    bus.target_started("t", 0);
    bus.output("t", VMTEST_STREAM_STDERR, "no newline");
    bus.stage("t", Stage::stopping);
    bus.target_finished(passed("t"));
    EXPECT_EQ(fd2(), "no newline") << "a stream of nothing but the command's bytes";
    EXPECT_EQ(console(), "=> t\n===> Shutting down\nPASS\n");
}

TEST_F(ConsoleTest, StderrInTheConsolesFileIsEndedToo) {
    EventBus bus;
    add_console(bus, false, 2);  // the console on stderr, as when a report takes stdout
    bus.target_started("t", 0);
    bus.output("t", VMTEST_STREAM_STDERR, "err");
    bus.output("t", VMTEST_STREAM_STDOUT, "out");
    bus.stage("t", Stage::stopping);
    bus.target_finished(passed("t"));
    EXPECT_EQ(fd2(), "=> t\nerrout\n===> Shutting down\nPASS\n");
}

}  // namespace
}  // namespace vmtest::run
