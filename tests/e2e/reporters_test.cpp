// End-to-end: the junit and tap reporters on real runs of Debian's kernel,
// their reports read by the consumers CI uses (xmllint with the project's own
// JUnit schema and Jenkins' xunit schema where found, Python's ElementTree,
// Perl's TAP::Parser and prove, cmark-gfm for Markdown). Seven boots:
// a three-target run, a two-target run, a timeout, and a run cut short by
// Ctrl-C.
#include <csignal>

#include <gmock/gmock.h>

#include "../support/report_consumers.hpp"
#include "e2e_fixture.hpp"

namespace vmtest::e2e {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using report_testing::suite;
using report_testing::test_case;

class Reporters : public E2E {
  protected:
    void SetUp() override {
        E2E::SetUp();
        if (IsSkipped()) {
            return;
        }
        std::filesystem::create_symlink(m_kernel, m_project / "kernel");
    }

    // Validates the JUnit file with xmllint and returns Python's reading.
    nlohmann::json read_junit(const std::filesystem::path& file) const {
        const auto valid = report_testing::validate_junit(file);
        EXPECT_EQ(valid.status, 0) << valid.output;
        return report_testing::read_junit(file);
    }

    // TAP::Parser's reading, after checking it had nothing to complain about.
    static nlohmann::json read_tap(const std::filesystem::path& file) {
        auto tap = report_testing::read_tap(file);
        EXPECT_TRUE(tap["parse_errors"].empty()) << tap["parse_errors"].dump();
        return tap;
    }

};

TEST_F(Reporters, MultiTargetRunWritesJunitAndTapThatRealConsumersRead) {
    write_file("subtests.sh", "printf 'TAP version 13\\n1..4\\n'\n"
                              "echo 'ok 1 - first'\n"
                              "echo 'ok 2 - needs hardware # SKIP no such device'\n"
                              "echo 'not ok 3 - not yet # TODO not written'\n"
                              "printf '    KTAP version 1\\n    # Subtest: nested\\n'\n"
                              "printf '    1..1\\n    ok 1 inner\\nok 4 nested\\n'\n");
    write_file("vmtest.toml", R"(
[[target]]
name = "passes"
kernel = "kernel"
command = "echo hello from the guest"

[[target]]
name = "fails"
kernel = "kernel"
command = "echo about to fail; echo on stderr >&2; exit 3"

[[target]]
name = "tap subtests"
kernel = "kernel"
command = "sh subtests.sh"
)");
    const auto result =
        vmtest({"--reporter", "junit=reports/results.xml", "--reporter", "tap=reports/results.tap"});
    EXPECT_EQ(result.status, 1) << describe(result);
    // Both reports go to files: the console stays on stdout.
    EXPECT_THAT(result.out, HasSubstr("=> passes\n"));
    EXPECT_THAT(result.out, HasSubstr("FAILED (command exited with status 3)"));

    const auto junit = read_junit(m_project / "reports/results.xml");
    EXPECT_EQ(junit["suites"].size(), 3u);
    EXPECT_EQ(junit["tests"], 1 + 1 + 5);
    EXPECT_EQ(junit["failures"], 1);
    EXPECT_EQ(junit["errors"], 0);
    const auto& passes = test_case(suite(junit, "passes"), "passes");
    EXPECT_EQ(passes["verdict"], "pass");
    EXPECT_EQ(passes["system_out"], "hello from the guest\n");
    const auto& fails = test_case(suite(junit, "fails"), "fails");
    EXPECT_EQ(fails["verdict"], "failure");
    EXPECT_EQ(fails["message"], "command exited with status 3");
    EXPECT_EQ(fails["system_out"], "about to fail\n");
    EXPECT_EQ(fails["system_err"], "on stderr\n");
    const auto& tap_suite = suite(junit, "tap subtests");
    EXPECT_EQ(tap_suite["skipped"], 2);
    EXPECT_EQ(test_case(tap_suite, "tap subtests")["verdict"], "pass");
    EXPECT_EQ(test_case(tap_suite, "first")["verdict"], "pass");
    EXPECT_EQ(test_case(tap_suite, "needs hardware")["verdict"], "skipped");
    EXPECT_EQ(test_case(tap_suite, "needs hardware")["message"], "no such device");
    EXPECT_EQ(test_case(tap_suite, "not yet")["verdict"], "skipped");
    EXPECT_EQ(test_case(tap_suite, "not yet")["type"], "todo");
    EXPECT_EQ(test_case(tap_suite, "nested/inner")["verdict"], "pass");

    const auto tap_file = m_project / "reports/results.tap";
    const auto tap = read_tap(tap_file);
    EXPECT_EQ(tap["plan"], "1..3");
    EXPECT_THAT(tap["passed"], ElementsAre(1, 3));
    EXPECT_THAT(tap["failed"], ElementsAre(2));
    EXPECT_EQ(tap["tests"][1]["yaml"]["exit_code"], "3");
    EXPECT_EQ(tap["tests"][1]["yaml"]["output_tail"], "about to fail\non stderr\n");
    EXPECT_EQ(tap["tests"][2]["yaml"]["tap"], "5 test points, 0 failed");
    // prove, as a person would run it on the file.
    const auto prove = report_testing::run_tool({"prove", "--exec", "cat", tap_file.string()});
    EXPECT_NE(prove.status, 0) << prove.output;
    EXPECT_THAT(prove.output, HasSubstr("Failed 1/3 subtests"));
    EXPECT_THAT(prove.output, Not(HasSubstr("Parse errors")));
}

TEST_F(Reporters, MarkdownSummaryShowsEachTargetWithItsKernelReleaseAndTheFailuresOutput) {
    write_file("vmtest.toml", R"(
[[target]]
name = "passes"
kernel = "kernel"
command = "echo fine"

[[target]]
name = "fails | <b>not bold</b>"
kernel = "kernel"
command = "echo '```'; echo '</details>'; echo last words; exit 4"
)");
    const auto result = vmtest({"--reporter", "markdown=reports/summary.md"});
    EXPECT_EQ(result.status, 1) << describe(result);

    // As GitHub shows it: rendered by cmark-gfm, GitHub's renderer.
    const auto page = report_testing::read_markdown(m_project / "reports/summary.md");
    EXPECT_THAT(page["headings"], ElementsAre("vmtest: 1 passed, 1 failed"));
    ASSERT_EQ(page["tables"].size(), 1u) << page["html"];
    const auto& rows = page["tables"][0]["rows"];
    ASSERT_EQ(rows.size(), 2u) << page["html"];
    EXPECT_EQ(rows[0][0], "passes");
    EXPECT_EQ(rows[0][1], "✅ pass");
    EXPECT_EQ(rows[0][3], m_release) << "the kernel release, read from the image";
    EXPECT_EQ(rows[1][0], "fails | <b>not bold</b>");
    EXPECT_EQ(rows[1][1], "❌ fail: command exited with status 4");
    EXPECT_EQ(rows[1][3], m_release);
    EXPECT_TRUE(page["tables"][0]["cell_tags"].empty()) << page["html"];
    ASSERT_EQ(page["details"].size(), 1u) << page["html"];
    EXPECT_EQ(page["details"][0]["summary"], "fails | <b>not bold</b>: last lines of output");
    EXPECT_EQ(page["details"][0]["code"], "```\n</details>\nlast words\n");
}

TEST_F(Reporters, JunitOnStdoutIsPureXmlAndATimeoutIsAnErrorInBothReports) {
    write_file("vmtest.toml", "[[target]]\nname = \"slow\"\nkernel = \"kernel\"\n"
                              "command = \"echo before the hang; sleep 600\"\ntimeout = 6\n");
    const auto result = vmtest({"--reporter", "junit", "--reporter", "tap=results.tap"});
    EXPECT_EQ(result.status, 124) << describe(result);
    EXPECT_THAT(result.out, StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
    EXPECT_THAT(result.out, Not(HasSubstr("===>"))) << "the console moved to stderr";
    EXPECT_THAT(result.err, HasSubstr("=> slow\n"));
    EXPECT_THAT(result.err, HasSubstr("before the hang"));
    EXPECT_THAT(result.err, HasSubstr("timed out after 6 s"));

    write_file("stdout.xml", result.out);
    const auto junit = read_junit(m_project / "stdout.xml");
    EXPECT_EQ(junit["errors"], 1);
    const auto& slow = test_case(suite(junit, "slow"), "slow");
    EXPECT_EQ(slow["verdict"], "error");
    EXPECT_EQ(slow["type"], "timeout");
    EXPECT_THAT(slow["message"].get<std::string>(), HasSubstr("timed out after 6 s"));
    EXPECT_THAT(slow["text"].get<std::string>(), HasSubstr("last lines of the guest's boot log"));
    EXPECT_EQ(slow["system_out"], "before the hang\n");

    const auto tap = read_tap(m_project / "results.tap");
    EXPECT_THAT(tap["failed"], ElementsAre(1));
    EXPECT_EQ(tap["tests"][0]["yaml"]["error_kind"], "timeout");
    EXPECT_EQ(tap["tests"][0]["yaml"]["output_tail"], "before the hang\n");
}

TEST_F(Reporters, CtrlCLeavesCompleteReportsOfWhatRanAndWhatDidNot) {
    // The reporters come from vmtest.toml this time; paths relative to it.
    write_file("vmtest.toml", R"(
reporters = ["junit=reports/ctrl-c.xml", "tap=reports/ctrl-c.tap"]

[[target]]
name = "interrupted"
kernel = "kernel"
command = "echo started-and-waiting; sleep 600"

[[target]]
name = "never started"
kernel = "kernel"
command = "true"
)");
    VmtestProcess process(options({}));
    ASSERT_TRUE(process.wait_for_output(
        [](const std::string& out, const std::string&) {
            return out.find("started-and-waiting\n") != std::string::npos;
        },
        std::chrono::seconds(180)))
        << process.out() << process.err();
    process.send_signal(SIGINT);
    EXPECT_EQ(process.wait(std::chrono::seconds(30)), 130) << process.out() << process.err();

    const auto junit = read_junit(m_project / "reports/ctrl-c.xml");
    EXPECT_EQ(junit["errors"], 2);
    const auto& interrupted = test_case(suite(junit, "interrupted"), "interrupted");
    EXPECT_EQ(interrupted["verdict"], "error");
    EXPECT_EQ(interrupted["type"], "interrupted");
    EXPECT_EQ(interrupted["system_out"], "started-and-waiting\n");
    const auto& never = test_case(suite(junit, "never started"), "never started");
    EXPECT_EQ(never["verdict"], "error");
    EXPECT_EQ(never["type"], "not_run");

    const auto tap = read_tap(m_project / "reports/ctrl-c.tap");
    EXPECT_EQ(tap["plan"], "1..2");
    EXPECT_THAT(tap["failed"], ElementsAre(1, 2));
    EXPECT_EQ(tap["tests"][1]["yaml"]["result"], "not_run");
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(m_project / "reports"),
                            std::filesystem::directory_iterator()),
              2)
        << "no temporary file left behind";
}

}  // namespace
}  // namespace vmtest::e2e
