// What both reporters stand on: text sanitising, bounded output, atomic
// report files, and the run record built from events.
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "report_output.hpp"
#include "../../support/run_events.hpp"
#include "run_record.hpp"
#include "text_sanitizer.hpp"
#include "vmtest/sdk/bytes.hpp"

namespace vmtest::report {
namespace {

namespace fs = std::filesystem;
using namespace report_testing;

const std::string k_fffd = "\xEF\xBF\xBD";


std::string read(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(SanitizeText, KeepsValidUtf8TabsAndNewlines) {
    const std::string text = "plain\ttab\nnew line \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
    EXPECT_EQ(sanitize_text(text), text);
}

TEST(SanitizeText, ReplacesWhatIsNotUtf8) {
    EXPECT_EQ(sanitize_text("a\xff" "b"), "a" + k_fffd + "b");
    EXPECT_EQ(sanitize_text("\xc0\xaf"), k_fffd + k_fffd) << "overlong '/'";
    EXPECT_EQ(sanitize_text("\xed\xa0\x80"), k_fffd + k_fffd + k_fffd) << "a surrogate";
    EXPECT_EQ(sanitize_text("\xf4\x90\x80\x80"), k_fffd + k_fffd + k_fffd + k_fffd)
        << "beyond U+10FFFF";
    EXPECT_EQ(sanitize_text("cut \xe2\x82"), "cut " + k_fffd) << "truncated at the end";
    EXPECT_EQ(sanitize_text("\xc3(x"), k_fffd + "(x") << "resynchronises on the next byte";
}

TEST(SanitizeText, ReplacesControlCharactersXmlAndYamlCannotCarry) {
    EXPECT_EQ(sanitize_text(std::string("a\0b", 3)), "a" + k_fffd + "b");
    EXPECT_EQ(sanitize_text("\x01\x08\x0b\x0c\x7f"), k_fffd + k_fffd + k_fffd + k_fffd + k_fffd);
    EXPECT_EQ(sanitize_text("\xc2\x85\xc2\x9f"), k_fffd + k_fffd) << "C1 controls";
    EXPECT_EQ(sanitize_text("\xe2\x80\xa8\xef\xbf\xbe\xef\xbf\xbf"), k_fffd + k_fffd + k_fffd)
        << "U+2028, U+FFFE, U+FFFF";
}

TEST(SanitizeText, RemovesTerminalEscapesAndCarriageReturns) {
    EXPECT_EQ(sanitize_text("\x1b[1;31mFAIL\x1b[0m done"), "FAIL done");
    EXPECT_EQ(sanitize_text("\x1b]0;title\x07text"), "text");
    EXPECT_EQ(sanitize_text("line\r\nnext"), "line\nnext");
    EXPECT_EQ(sanitize_text("10%\r20%\r"), "10%\n20%\n");
    EXPECT_EQ(sanitize_text("esc at end \x1b"), "esc at end ");
    EXPECT_EQ(sanitize_line("two\nlines\tand tab"), "two lines and tab");
}

TEST(OutputTail, KeepsEverythingUnderTheLimit) {
    OutputTail tail(100);
    tail.append("hello ");
    tail.append("world\n");
    EXPECT_EQ(tail.text(), "hello world\n");
    EXPECT_EQ(tail.dropped(), 0u);
}

TEST(OutputTail, KeepsTheEndFromALineBoundaryAndCountsWhatItDropped) {
    OutputTail tail(20);
    for (int i = 0; i < 1000; ++i) {
        tail.append("line " + std::to_string(i) + "\n");
    }
    const std::string text = tail.text();
    EXPECT_LE(text.size(), 20u);
    EXPECT_EQ(text.substr(text.size() - 9), "line 999\n");
    EXPECT_EQ(text.substr(0, 5), "line ") << text;
    std::size_t total = 0;
    for (int i = 0; i < 1000; ++i) {
        total += ("line " + std::to_string(i) + "\n").size();
    }
    EXPECT_EQ(tail.dropped() + text.size(), total);
}

TEST(OutputTail, ShrinkKeepsWhatTextShowsAndNothingElse) {
    OutputTail tail(20);
    for (int i = 0; i < 100; ++i) {
        tail.append("line " + std::to_string(i) + "\n");
    }
    tail.append("partial ");
    const std::string text = tail.text();
    const std::size_t dropped = tail.dropped();
    tail.shrink();
    EXPECT_EQ(tail.text(), text);
    EXPECT_EQ(tail.dropped(), dropped);
    tail.shrink();
    EXPECT_EQ(tail.text(), text) << "idempotent";
}

TEST(OutputTail, ACutInsideALongLineNeverSplitsACharacter) {
    for (std::size_t limit = 20; limit < 24; ++limit) {
        OutputTail tail(limit);
        for (int i = 0; i < 5000; ++i) {
            tail.append("\xe2\x82\xac\xf0\x9f\x98\x80\xc3\xa9");  // 3 + 4 + 2 bytes, no newline
        }
        const std::string text = tail.text();
        EXPECT_TRUE(sdk::is_utf8(text)) << limit;
        EXPECT_EQ(text.substr(text.size() - 2), "\xc3\xa9");
        EXPECT_EQ(tail.dropped() + text.size(), 9u * 5000u);
    }
}

TEST(OutputTail, MemoryStaysBounded) {
    OutputTail tail(1024);
    const std::string chunk(4096, 'x');
    for (int i = 0; i < 10000; ++i) {
        tail.append(chunk);
    }
    EXPECT_LE(tail.text().size(), 1024u);
    EXPECT_EQ(tail.dropped() + tail.text().size(), 4096u * 10000u);
}

TEST(WriteFileAtomically, WritesReplacesAndLeavesNoTemporaryFile) {
    TempDir dir;
    const fs::path file = dir.path() / "sub dir" / "results.xml";
    write_file_atomically(file, "first");
    EXPECT_EQ(read(file), "first");
    write_file_atomically(file, "second");
    EXPECT_EQ(read(file), "second");
    EXPECT_EQ(std::distance(fs::directory_iterator(file.parent_path()), fs::directory_iterator()), 1);
    struct stat info {};
    ASSERT_EQ(stat(file.c_str(), &info), 0);
    const mode_t mask = umask(0);
    umask(mask);
    EXPECT_EQ(info.st_mode & 0777, 0666 & ~mask) << "as readable as any file the user creates";
}

TEST(WriteFileAtomically, FailsNamingTheFileAndKeepsTheOldOne) {
    TempDir dir;
    const fs::path blocker = dir.path() / "not-a-dir";
    std::ofstream(blocker) << "x";
    try {
        write_file_atomically(blocker / "results.xml", "data");
        FAIL() << "expected an error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("not-a-dir/results.xml"), std::string::npos) << e.what();
    }
    EXPECT_EQ(read(blocker), "x");
}

TEST(ReportOutput, StdoutWhenNoPathAndRefusesBadOnesEarly) {
    EXPECT_EQ(ReportOutput(nlohmann::json::object()).describe(), "stdout");
    TempDir dir;
    EXPECT_THROW(ReportOutput(nlohmann::json{{"path", dir.path().string()}}), std::runtime_error);
    EXPECT_THROW(ReportOutput(nlohmann::json{{"path", 42}}), std::runtime_error);
    const ReportOutput output(nlohmann::json{{"path", (dir.path() / "new" / "r.xml").string()}});
    EXPECT_EQ(output.describe(), (dir.path() / "new" / "r.xml").string());
    EXPECT_TRUE(std::filesystem::is_directory(dir.path() / "new"));
    if (geteuid() != 0) {
        fs::create_directory(dir.path() / "locked", dir.path());
        fs::permissions(dir.path() / "locked", fs::perms::owner_read | fs::perms::owner_exec);
        EXPECT_THROW(ReportOutput(nlohmann::json{{"path", (dir.path() / "locked" / "r.xml").string()}}),
                     std::runtime_error);
    }
}

TEST(RunRecorder, GathersTheSampleRun) {
    const RunRecord run = record(sample_run());
    ASSERT_EQ(run.targets.size(), 6u);
    EXPECT_TRUE(run.finished);
    EXPECT_TRUE(run.interrupted);
    const auto& fails = run.targets[1];
    EXPECT_EQ(fails.result, "fail");
    EXPECT_EQ(fails.exit_code, 7);
    EXPECT_EQ(fails.stdout_tail.text(), "to stdout\n");
    EXPECT_EQ(fails.stderr_tail.text(), "to stderr\n");
    EXPECT_EQ(fails.recent.text(), "to stdout\nto stderr\n");
    EXPECT_EQ(failure_line(fails, run), "command exited with status 7");
    EXPECT_NE(usable_tap(run.targets[2]), nullptr) << run.targets[2].tap.problem;
    EXPECT_EQ(usable_tap(fails), nullptr);
    EXPECT_EQ(error_kind(run.targets[3]), "timeout");
    EXPECT_EQ(run.targets[3].boot_log_tail.size(), 2u);
    EXPECT_EQ(report_outcome(run.targets[5]), "not_run");
    EXPECT_EQ(error_kind(run.targets[5]), "not_run");
}

TEST(RunRecorder, TargetsTheRunNeverFinishedAreErrorsOrNotRun) {
    const RunRecord run = record({run_started({"a", "b"}), target_started("a", 0)});
    EXPECT_EQ(report_outcome(run.targets[0]), "error");
    EXPECT_EQ(error_kind(run.targets[0]), "interrupted");
    EXPECT_EQ(failure_line(run.targets[0], run), "vmtest stopped while this target ran");
    EXPECT_EQ(report_outcome(run.targets[1]), "not_run");
    EXPECT_EQ(failure_line(run.targets[1], run), "not run: vmtest stopped before it");
}

// The kind is what the event says, never guessed from the message; an
// event without error_kind (a vmtest before ABI 1.1) is an infrastructure
// error, whatever its message reads like.
TEST(RunRecorder, ErrorKindIsTheEventsOrInfrastructure) {
    const auto kind_of = [](nlohmann::json event) {
        return error_kind(record({std::move(event)}).targets[0]);
    };
    EXPECT_EQ(kind_of(errored("t", "timed out after 2 s running the command", {}, 3, "timeout")),
              "timeout");
    EXPECT_EQ(kind_of(errored("t", "the guest did not boot", {}, 3, "boot_timeout")),
              "boot_timeout");
    for (const std::string message :
         {"timed out after 2 s running the command",
          "the guest kernel panicked: Kernel panic - not syncing: x", "interrupted",
          "the VM exited unexpectedly (status 1)", "no guest agent in the guest's root"}) {
        nlohmann::json before_1_1 = errored("t", message, {});
        before_1_1.erase("error_kind");
        EXPECT_EQ(kind_of(before_1_1), "infrastructure") << message;
    }
}

TEST(RunRecorder, SurvivesEventsOfUnexpectedShape) {
    const RunRecord run = record({
        nlohmann::json::array(),
        {{"type", 5}},
        {{"type", "something_new"}, {"target", "x"}},
        run_started({"a"}),
        {{"type", "target_started"}, {"target", "a"}, {"index", "zero"}},
        {{"type", "output"}, {"target", "a"}, {"data", 12}},
        {{"type", "target_finished"}, {"target", "a"}, {"result", "fail"}, {"exit_code", "7"},
         {"duration_s", "long"}, {"boot_log_tail", "not a list"}},
        {{"type", "target_finished"}, {"target", "unannounced"}, {"result", "pass"}},
    });
    ASSERT_EQ(run.targets.size(), 2u);
    EXPECT_EQ(run.targets[0].result, "fail");
    EXPECT_FALSE(run.targets[0].exit_code.has_value());
    EXPECT_EQ(failure_line(run.targets[0], run), "command exited with status -1");
    EXPECT_EQ(run.targets[1].name, "unannounced");
}

TEST(RecentLines, TheLastLinesOfBothStreams) {
    RunRecord run = record({target_started("t", 0), output("t", "1\n2\n"),
                            output("t", "3\n", "stderr"), output("t", "4")});
    EXPECT_EQ(recent_lines(run.targets[0], 2), "3\n4");
    EXPECT_EQ(recent_lines(run.targets[0], 10), "1\n2\n3\n4");
    EXPECT_EQ(recent_lines(run.targets[0], 0), "");
}

}  // namespace
}  // namespace vmtest::report
