// Events of targets running side by side (-j): the bus, called from several
// threads, hands each target's events to the reporters as one block, in
// the targets' order, so that reporters see what a sequential run shows;
// `progress` events tell what runs meanwhile. The reporters are the real
// recording test plugin and the real console plugin, dlopen'ed.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "event_bus_support.hpp"
#include "run/events.hpp"

namespace vmtest::run {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::filesystem::path k_plugins = VMTEST_PLUGIN_DIR;
const std::filesystem::path k_test_plugins = VMTEST_TEST_PLUGIN_DIR;

using testing::passed;
using testing::reporter;

class HeldEventsTest : public ::testing::Test {
  protected:
    HeldEventsTest() { std::filesystem::create_directories(m_dir); }
    ~HeldEventsTest() override { std::filesystem::remove_all(m_dir); }

    void record(EventBus& bus) {
        bus.add(reporter(k_test_plugins / "test-recording.so",
                         {{"path", (m_dir / "events").string()}, {"whole", true}}));
    }
    std::vector<nlohmann::json> recorded() const {
        std::vector<nlohmann::json> events;
        std::ifstream in(m_dir / "events");
        for (std::string line; std::getline(in, line);) {
            if (line != "finish") {
                events.push_back(nlohmann::json::parse(line));
            }
        }
        return events;
    }
    // "type target" of every event but progress, e.g. "output b".
    std::vector<std::string> sequence() const {
        std::vector<std::string> lines;
        for (const auto& event : recorded()) {
            if (event["type"] != "progress") {
                lines.push_back(event["type"].get<std::string>() +
                                (event.contains("target") ? " " + event["target"].get<std::string>()
                                                          : ""));
            }
        }
        return lines;
    }

    std::filesystem::path m_dir = std::filesystem::temp_directory_path() /
                                  ("vmtest-held-events-" + std::to_string(::getpid()));
};

TEST_F(HeldEventsTest, EachTargetIsOneBlockInTheTargetsOrderWhateverOrderTheyEnd) {
    EventBus bus;
    record(bus);
    bus.hold_target_events();
    bus.run_started({"a", "b", "c"});
    bus.target_started("a", 0);
    bus.target_started("b", 1);
    bus.output("b", VMTEST_STREAM_STDOUT, "b1\n");
    bus.output("a", VMTEST_STREAM_STDOUT, "a1\n");
    bus.target_started("c", 2);
    bus.target_finished(passed("b"));  // b ends first: held until a is handed over
    EXPECT_EQ(sequence(), (std::vector<std::string>{"run_started"}));
    bus.output("c", VMTEST_STREAM_STDOUT, "c1\n");
    bus.output("a", VMTEST_STREAM_STDOUT, "a2\n");
    bus.target_finished(passed("a"));
    bus.target_finished(passed("c"));
    bus.run_finished({passed("a"), passed("b"), passed("c")}, false);
    EXPECT_EQ(sequence(), (std::vector<std::string>{
                              "run_started", "target_started a", "output a", "output a",
                              "target_finished a", "target_started b", "output b",
                              "target_finished b", "target_started c", "output c",
                              "target_finished c", "run_finished"}));
}

TEST_F(HeldEventsTest, ProgressListsStartedTargetsNotYetHandedOver) {
    EventBus bus;
    record(bus);
    bus.hold_target_events();
    bus.run_started({"a", "b"});
    bus.target_started("a", 0);
    bus.stage("a", Stage::booting);
    bus.target_started("b", 1);
    bus.target_finished(passed("b"));
    bus.progress();
    nlohmann::json last;
    for (const auto& event : recorded()) {
        if (event["type"] == "progress") {
            last = event;
        }
    }
    ASSERT_EQ(last["targets"].size(), 2u) << last.dump();
    EXPECT_EQ(last["targets"][0]["target"], "a");
    EXPECT_EQ(last["targets"][0]["stage"], "booting");
    EXPECT_EQ(last["targets"][0]["label"], "Booting");
    EXPECT_FALSE(last["targets"][0].contains("result"));
    EXPECT_GE(last["targets"][0]["elapsed_s"].get<double>(), 0.0);
    EXPECT_EQ(last["targets"][1]["target"], "b");
    EXPECT_EQ(last["targets"][1]["result"], "pass") << "done, waiting for a to be shown";
}

TEST_F(HeldEventsTest, WithoutHoldingEventsGoOutAsTheyComeAndNoProgressIsSent) {
    EventBus bus;
    record(bus);
    bus.run_started({"a"});
    bus.target_started("a", 0);
    bus.output("a", VMTEST_STREAM_STDOUT, "a1\n");
    EXPECT_EQ(sequence(), (std::vector<std::string>{"run_started", "target_started a", "output a"}));
    bus.progress();
    bus.target_finished(passed("a"));
    for (const auto& event : recorded()) {
        EXPECT_NE(event["type"], "progress") << "-j1 is exactly as before";
    }
}

TEST_F(HeldEventsTest, TargetsPublishingFromThreadsAtOnceStayWholeAndInOrder) {
    EventBus bus;
    record(bus);
    bus.hold_target_events();
    const std::vector<std::string> names{"t0", "t1", "t2", "t3"};
    bus.run_started(names);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < names.size(); ++i) {
        threads.emplace_back([&, i] {
            bus.target_started(names[i], i);
            for (int line = 0; line < 200; ++line) {
                bus.output(names[i], VMTEST_STREAM_STDOUT, names[i] + " line\n");
                if (line % 50 == 0) {
                    bus.progress();
                }
            }
            bus.target_finished(passed(names[i]));
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    bus.run_finished({}, false);
    std::string seen;
    std::size_t expected = 0;
    for (const auto& event : recorded()) {
        if (event["type"] == "output") {
            ASSERT_EQ(event["target"], names[expected]);
            ASSERT_EQ(event["data"], names[expected] + " line\n");
        } else if (event["type"] == "target_finished") {
            ASSERT_EQ(event["target"], names[expected]);
            ++expected;
        }
    }
    EXPECT_EQ(expected, names.size());
}

// The console on a terminal: status lines drawn below, erased before the
// next block, never left on screen at the end.
TEST_F(HeldEventsTest, ConsoleDrawsStatusLinesOnATerminalAndErasesThemBeforeABlock) {
    const auto file = m_dir / "console";
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_GE(fd, 0);
    {
        EventBus bus;
        bus.add(reporter(k_plugins / "reporter-console.so",
                         {{"fd", fd}, {"tty", true}, {"color", false}}));
        bus.hold_target_events();
        bus.run_started({"first", "second"});
        bus.target_started("first", 0);
        bus.target_started("second", 1);
        bus.stage("second", Stage::running);
        bus.output("first", VMTEST_STREAM_STDOUT, "hello\n");
        bus.target_finished(passed("second"));  // held: first is still running
        bus.target_finished(passed("first"));
        bus.run_finished({passed("first"), passed("second")}, false);
        bus.finish();
    }
    ::close(fd);
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    const std::string out = text.str();
    EXPECT_THAT(out, HasSubstr("first  Starting  0s\nsecond  Running command  0s\n"));
    // Two lines were up (first, second) when first's block came: erased first.
    const auto erase = out.find("\033[2A\r\033[J=> first\n");
    EXPECT_NE(erase, std::string::npos) << out;
    EXPECT_THAT(out, HasSubstr("hello\n"));
    EXPECT_NE(out.find("second  done (pass)"), std::string::npos) << out;
    // The end: no status line left below the last block.
    const auto last_block = out.rfind("=> second\n");
    ASSERT_NE(last_block, std::string::npos);
    EXPECT_EQ(out.find("  Running command", last_block), std::string::npos) << out;
}

TEST_F(HeldEventsTest, ConsoleOffATerminalIgnoresProgress) {
    const auto file = m_dir / "console";
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_GE(fd, 0);
    {
        EventBus bus;
        bus.add(reporter(k_plugins / "reporter-console.so", {{"fd", fd}, {"tty", false}}));
        bus.hold_target_events();
        bus.run_started({"only", "other"});
        bus.target_started("only", 0);
        bus.progress();
        bus.target_finished(passed("only"));
        bus.target_finished(passed("other"));
        bus.run_finished({}, false);
        bus.finish();
    }
    ::close(fd);
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str(), "=> only\nPASS\nPASS\n") << "blocks only, no status line";
}

}  // namespace
}  // namespace vmtest::run
