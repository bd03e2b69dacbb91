// The markdown writer, its output read back the way GitHub shows it:
// rendered by cmark-gfm (GitHub's renderer) and walked as HTML, so the
// tests see cells, rows and code blocks, not the bytes they come from.
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../../support/report_consumers.hpp"
#include "../../support/run_events.hpp"
#include "markdown_reporter.hpp"
#include "markdown_text.hpp"
#include "markdown_writer.hpp"
#include "text_sanitizer.hpp"
#include "vmtest/sdk/testing/fake_host.hpp"

namespace vmtest::reporter_markdown {
namespace {

namespace fs = std::filesystem;
using namespace report_testing;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::IsSubsetOf;
using ::testing::StartsWith;

// The elements the writer itself produces; anything else in the rendered
// page came from the run's text.
const std::vector<std::string> k_own_tags = {"code",  "details", "h3", "p",    "pre",
                                             "summary", "table", "tbody", "td", "th",
                                             "thead", "tr"};

class MarkdownWriter : public ::testing::Test {
  protected:
    nlohmann::json render_and_read(const Events& events) {
        m_markdown = render_markdown(record(events));
        const fs::path file = m_dir / "summary.md";
        std::ofstream(file, std::ios::binary) << m_markdown;
        auto page = read_markdown(file);
        std::vector<std::string> tags = page["tags"];
        EXPECT_THAT(tags, IsSubsetOf(k_own_tags)) << m_markdown;
        for (const auto& table : page["tables"]) {
            // Cells hold text only: no link, emphasis or code span came in.
            EXPECT_THAT(table["cell_tags"], IsEmpty()) << m_markdown;
            for (const auto& row : table["rows"]) {
                EXPECT_EQ(row.size(), 5u) << row.dump() << "\n" << m_markdown;
            }
        }
        return page;
    }

    static nlohmann::json with_release(nlohmann::json finished, const std::string& release) {
        finished["kernel_release"] = release;
        return finished;
    }

    TempDir m_scratch;
    const fs::path& m_dir = m_scratch.path();
    std::string m_markdown;
};

TEST_F(MarkdownWriter, OneRowPerTargetWithResultDurationKernelAndFailingSubtests) {
    Events events{run_started({"passes", "fails", "tap subtests"})};
    add_target(events, "passes", 0, "hello\n", with_release(passed("passes", 8.04), "6.1.0-9-amd64"));
    add_target(events, "fails", 1, "to stdout\n", with_release(failed("fails", 7), "6.6.1"));
    add_target(events, "tap subtests", 2, k_subtest_tap, passed("tap subtests"));
    events.push_back(run_finished(false));
    const auto page = render_and_read(events);

    EXPECT_THAT(page["headings"], ElementsAre("vmtest: 1 passed, 2 failed"));
    ASSERT_EQ(page["tables"].size(), 1u);
    const auto& table = page["tables"][0];
    EXPECT_THAT(table["header"],
                ElementsAre("Target", "Result", "Duration", "Kernel", "Failing subtests"));
    ASSERT_EQ(table["rows"].size(), 3u);
    EXPECT_THAT(table["rows"][0], ElementsAre("passes", "✅ pass", "8.0 s", "6.1.0-9-amd64", ""));
    EXPECT_THAT(table["rows"][1], ElementsAre("fails", "❌ fail: command exited with status 7",
                                              "2.2 s", "6.6.1", ""));
    // vmtest said pass, but its own TAP has a failing test point: the table
    // must not show it green (a failing TODO is expected, not listed).
    EXPECT_THAT(table["rows"][2], ElementsAre("tap subtests", "❌ fail: 1 subtests failed",
                                              "1.5 s", "", "maps memory"));
}

TEST_F(MarkdownWriter, FailuresGetACollapsedBlockWithTheOutputOrTheBootLogTail) {
    const auto page = render_and_read(sample_run());
    std::vector<std::string> summaries;
    for (const auto& details : page["details"]) {
        summaries.push_back(details["summary"]);
    }
    EXPECT_THAT(summaries, ElementsAre("fails: last lines of output",
                                       "tap subtests: last lines of output",
                                       "times out: boot log tail"));
    EXPECT_EQ(page["details"][0]["code"], "to stdout\nto stderr\n");
    EXPECT_EQ(page["details"][2]["code"],
              "[    0.000000] Linux version 6.1\nvmtest-init: running\n");
    const auto& rows = page["tables"][0]["rows"];
    EXPECT_THAT(rows[3][1].get<std::string>(),
                StartsWith("⚠️ error (timeout): timed out after 2 s"));
    EXPECT_THAT(rows[5], ElementsAre("never ran", "⏭️ not run: interrupted", "", "", ""));
    EXPECT_THAT(page["paragraphs"].get<std::vector<std::string>>(),
                Contains(HasSubstr("vmtest was interrupted")));
}

// The class of injection: every printable ASCII character, and the line
// starts Markdown gives meaning to, in a target name must come back as the
// same text in its own cell (no new cell, row, link, emphasis, code span,
// heading or HTML element).
TEST_F(MarkdownWriter, EveryPunctuationCharacterInANameStaysTextInItsCell) {
    std::vector<std::string> names;
    for (char c = 0x21; c < 0x7f; ++c) {
        names.push_back(std::string("a") + c + "b" + c + c + "c");
    }
    for (const std::string line_start :
         {"# heading", "- item", "1. item", "> quote", "---", "===", "| pipe |", "`code`",
          "```fence", "~~~", "<details><summary>x</summary>", "</details></table>",
          "[link](https://example.org)", "![img](x.png)", "*em* _em_ **strong**", "~~del~~",
          "@octocat", ":smile:", "www.example.org", "https://example.org", "&amp; &lt;",
          "a\\|b", "x\ny | z", "tab\there", "<!-- comment", "<script>alert(1)</script>"}) {
        names.push_back(line_start);
    }
    names.push_back(k_hostile_name);
    Events events{run_started(names)};
    int index = 0;
    for (const auto& name : names) {
        add_target(events, name, index++, "", passed(name));
    }
    events.push_back(run_finished(false));
    const auto page = render_and_read(events);
    ASSERT_EQ(page["tables"].size(), 1u);
    const auto& rows = page["tables"][0]["rows"];
    ASSERT_EQ(rows.size(), names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        EXPECT_EQ(rows[i][0], report::sanitize_line(names[i])) << "name " << i;
        EXPECT_EQ(rows[i][1], "✅ pass") << names[i];
    }
}

TEST_F(MarkdownWriter, OutputAndErrorsCannotEscapeTheirBlockOrCell) {
    const std::string output = "```\n</details>\n<details><summary>fake</summary>\n````` x\n" +
                               k_hostile_output + "| a | b |\n";
    Events events{run_started({"<b>x</b> | y", "error `x`"})};
    add_target(events, "<b>x</b> | y", 0, output, failed("<b>x</b> | y", 1));
    add_target(events, "error `x`", 1, "",
               errored("error `x`", "QEMU said | <b>no</b> [x](y)", {"```", "</details>", "|"}));
    events.push_back(run_finished(false));
    const auto page = render_and_read(events);
    ASSERT_EQ(page["details"].size(), 2u) << m_markdown;
    EXPECT_EQ(page["details"][0]["summary"], "<b>x</b> | y: last lines of output");
    EXPECT_EQ(page["details"][0]["code"], report::sanitize_text(output));
    EXPECT_EQ(page["details"][1]["summary"], "error `x`: boot log tail");
    EXPECT_EQ(page["details"][1]["code"], "```\n</details>\n|\n");
    const auto& rows = page["tables"][0]["rows"];
    EXPECT_EQ(rows[0][0], "<b>x</b> | y");
    EXPECT_EQ(rows[1][1], "⚠️ error (infrastructure): QEMU said | <b>no</b> [x](y)");
}

TEST_F(MarkdownWriter, ManyFailingSubtestsAreCountedNotAllListed) {
    std::string tap = "TAP version 13\n1..15\n";
    for (int i = 1; i <= 15; ++i) {
        tap += "not ok " + std::to_string(i) + " - case_" + std::to_string(i) + "\n";
    }
    Events events{run_started({"many"})};
    add_target(events, "many", 0, tap, failed("many", 1));
    events.push_back(run_finished(false));
    const auto page = render_and_read(events);
    const std::string cell = page["tables"][0]["rows"][0][4];
    EXPECT_THAT(cell, AllOf(StartsWith("case_1, case_2,"), HasSubstr("case_10 and 5 more")));
}

TEST_F(MarkdownWriter, AnEmptyRunSaysSo) {
    const auto page = render_and_read({run_started({}), run_finished(false)});
    EXPECT_THAT(page["headings"], ElementsAre("vmtest: no targets"));
    EXPECT_THAT(page["tables"], IsEmpty());
}

TEST_F(MarkdownWriter, TheReporterWritesTheFileItIsGiven) {
    const fs::path file = m_dir / "reports" / "summary.md";
    {
        sdk::testing::FakeHost host;
        MarkdownReporter reporter(host.host(), {{"path", file.string()}});
        for (const auto& event : sample_run()) {
            reporter.event(event);
        }
        reporter.finish();
    }
    std::ifstream in(file, std::ios::binary);
    const std::string written((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(written, render_markdown(record(sample_run())));
}

TEST(MarkdownText, FencesAreLongerThanAnyBacktickRunInside) {
    EXPECT_EQ(fenced_block("plain"), "```text\nplain\n```\n");
    EXPECT_EQ(fenced_block("a ````` b\n"), "``````text\na ````` b\n``````\n");
}

}  // namespace
}  // namespace vmtest::reporter_markdown
