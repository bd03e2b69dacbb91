// The JUnit writer and reporter, checked the way CI reads their output:
// xmllint against Jenkins' xunit schema, and Python's ElementTree.
#include <fcntl.h>
#include <fstream>
#include <regex>
#include <sstream>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "junit_reporter.hpp"
#include "junit_writer.hpp"
#include "../../support/report_consumers.hpp"
#include "../../support/run_events.hpp"
#include "vmtest/sdk/testing/fake_host.hpp"
#include "xml_text.hpp"

namespace vmtest::reporter_junit {
namespace {

namespace fs = std::filesystem;
using namespace report_testing;
using ::testing::HasSubstr;
using ::testing::Not;

class JunitWriter : public ::testing::Test {
  protected:
    // Renders `events`, checks the file against the schema, and returns
    // what Python reads from it.
    nlohmann::json render_and_read(const Events& events) {
        m_xml = render_junit(record(events));
        const fs::path file = m_dir / "results.xml";
        std::ofstream(file, std::ios::binary) << m_xml;
        const auto valid = validate_junit(file);
        EXPECT_EQ(valid.status, 0) << valid.output << "\n" << m_xml;
        return read_junit(file);
    }

    static const nlohmann::json& suite(const nlohmann::json& report, const std::string& name) {
        for (const auto& s : report["suites"]) {
            if (s["name"] == name) {
                return s;
            }
        }
        throw std::runtime_error("no suite " + name);
    }

    static const nlohmann::json& test_case(const nlohmann::json& suite, const std::string& name) {
        for (const auto& c : suite["cases"]) {
            if (c["name"] == name) {
                return c;
            }
        }
        throw std::runtime_error("no case " + name + " in " + suite.dump(2));
    }

    TempDir m_scratch;
    const fs::path& m_dir = m_scratch.path();
    std::string m_xml;
};

TEST(XmlText, EscapesMarkupAndCannotCloseACdataOrAttribute) {
    EXPECT_EQ(xml_text("a < b && c > d ]]> \"q\" 'a'"),
              "a &lt; b &amp;&amp; c &gt; d ]]&gt; \"q\" 'a'");
    EXPECT_EQ(xml_attribute("\"x\" 'y' <z>\tt\nn"), "&quot;x&quot; &apos;y&apos; &lt;z&gt;&#9;t&#10;n");
    EXPECT_EQ(xml_text(std::string("nul\0here\x1b[0m\xff", 13)), "nul\xEF\xBF\xBDhere\xEF\xBF\xBD");
}

// Every other test validates against the project's own schema (and
// Jenkins' when it is there); this one says plainly when Jenkins' is not.
TEST_F(JunitWriter, SampleRunIsValidAgainstJenkinsXunitSchema) {
    const auto jenkins = jenkins_junit_schema();
    if (!jenkins) {
        GTEST_SKIP() << "Jenkins' junit-10.xsd not found (set VMTEST_JENKINS_JUNIT_XSD, or put it "
                        "in ../shared/schemas next to the source tree as CI does); the project's "
                        "own schema was still checked by every other test";
    }
    const fs::path file = m_dir / "results.xml";
    std::ofstream(file, std::ios::binary) << render_junit(record(sample_run()));
    const auto valid = validate_junit(file, *jenkins);
    EXPECT_EQ(valid.status, 0) << valid.output;
}

TEST_F(JunitWriter, OneSuitePerTargetWithTheRightCountsAndVerdicts) {
    const auto report = render_and_read(sample_run());
    ASSERT_EQ(report["suites"].size(), 6u);
    // tap subtests: the target + 6 test points, 2 nested in the last one.
    EXPECT_EQ(report["tests"], 1 + 1 + (1 + 5 + 2) + 1 + 1 + 1);
    EXPECT_EQ(report["failures"], 3) << "fails, tap subtests' exit status, test 2";
    EXPECT_EQ(report["errors"], 2) << "the timeout and the target that never ran";
    EXPECT_EQ(report["time"], "10.500");

    const auto& passes = suite(report, "passes");
    EXPECT_EQ(passes["tests"], 1);
    EXPECT_EQ(passes["time"], "1.500");
    EXPECT_THAT(passes["timestamp"].get<std::string>(),
                ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"));
    const auto& pass_case = test_case(passes, "passes");
    EXPECT_EQ(pass_case["verdict"], "pass");
    EXPECT_EQ(pass_case["classname"], "passes");
    EXPECT_EQ(pass_case["time"], "1.500");
    EXPECT_EQ(pass_case["system_out"], "hello\n");
    EXPECT_EQ(passes["properties"]["vmtest.result"], "pass");
    EXPECT_EQ(passes["properties"]["vmtest.boot_log"], "/state/passes");

    const auto& fails = test_case(suite(report, "fails"), "fails");
    EXPECT_EQ(fails["verdict"], "failure");
    EXPECT_EQ(fails["type"], "exit_status");
    EXPECT_EQ(fails["message"], "command exited with status 7");
    EXPECT_THAT(fails["text"].get<std::string>(), HasSubstr("to stdout\nto stderr"));
    EXPECT_EQ(fails["system_out"], "to stdout\n");
    EXPECT_EQ(fails["system_err"], "to stderr\n");
    EXPECT_EQ(suite(report, "fails")["properties"]["vmtest.exit_code"], "7");

    const auto& timeout = test_case(suite(report, "times out"), "times out");
    EXPECT_EQ(timeout["verdict"], "error");
    EXPECT_EQ(timeout["type"], "timeout");
    EXPECT_EQ(timeout["message"], "timed out after 2 s running the command");
    EXPECT_THAT(timeout["text"].get<std::string>(), HasSubstr("vmtest-init: running"));
    EXPECT_THAT(timeout["text"].get<std::string>(), HasSubstr("boot log: /state/times out"));

    const auto& never = test_case(suite(report, "never ran"), "never ran");
    EXPECT_EQ(never["verdict"], "error");
    EXPECT_EQ(never["type"], "not_run");
    EXPECT_EQ(never["message"], "not run: interrupted");
}

TEST_F(JunitWriter, TapTestPointsAreTestCasesOfTheirTarget) {
    const auto report = render_and_read(sample_run());
    const auto& tap = suite(report, "tap subtests");
    EXPECT_EQ(tap["tests"], 8);
    EXPECT_EQ(tap["failures"], 2);
    EXPECT_EQ(tap["skipped"], 3);
    EXPECT_EQ(tap["properties"]["vmtest.tap"], "reported test point by test point");
    EXPECT_EQ(tap["cases"][0]["name"], "tap subtests") << "the target's own case comes first";
    EXPECT_EQ(test_case(tap, "tap subtests")["verdict"], "failure");
    EXPECT_EQ(test_case(tap, "boots")["verdict"], "pass");
    const auto& maps = test_case(tap, "maps memory");
    EXPECT_EQ(maps["verdict"], "failure");
    EXPECT_EQ(maps["message"], "not ok 2 - maps memory");
    EXPECT_THAT(maps["text"].get<std::string>(), HasSubstr("expected 4, got 5"));
    EXPECT_THAT(maps["text"].get<std::string>(), HasSubstr("# a comment about the next test"));
    const auto& skip = test_case(tap, "needs hardware");
    EXPECT_EQ(skip["verdict"], "skipped");
    EXPECT_EQ(skip["message"], "no such device");
    const auto& todo = test_case(tap, "future feature");
    EXPECT_EQ(todo["verdict"], "skipped");
    EXPECT_EQ(todo["type"], "todo");
    EXPECT_THAT(todo["message"].get<std::string>(), HasSubstr("not written yet"));
    EXPECT_EQ(test_case(tap, "fixed already")["verdict"], "pass") << "a passing TODO test passes";
    EXPECT_EQ(test_case(tap, "bpf/load")["verdict"], "pass");
    EXPECT_EQ(test_case(tap, "bpf/attach")["verdict"], "skipped");
    for (const auto& c : tap["cases"]) {
        EXPECT_EQ(c["classname"], "tap subtests");
    }
}

TEST_F(JunitWriter, HostileNamesAndOutputStayValidAndReadBackAsTheirSanitisedText) {
    const auto report = render_and_read(sample_run());
    const auto& hostile = suite(report, k_hostile_name_clean);
    const auto& only = hostile["cases"][0];
    EXPECT_EQ(only["name"], k_hostile_name_clean);
    EXPECT_EQ(only["system_out"], k_hostile_output_clean);
    EXPECT_THAT(m_xml, Not(HasSubstr("]]>"))) << "never, not even outside CDATA";
}

TEST_F(JunitWriter, DotsInClassnamesWouldSplitTheTargetInJenkins) {
    Events events{run_started({"bpf on 6.1"})};
    add_target(events, "bpf on 6.1", 0, "", passed("bpf on 6.1"));
    const auto report = render_and_read(events);
    EXPECT_EQ(report["suites"][0]["name"], "bpf on 6.1");
    EXPECT_EQ(report["suites"][0]["cases"][0]["name"], "bpf on 6.1");
    EXPECT_EQ(report["suites"][0]["cases"][0]["classname"], "bpf on 6_1");
}

TEST_F(JunitWriter, InconsistentTapFallsBackToTheTargetAndSaysWhy) {
    Events events{run_started({"t"})};
    add_target(events, "t", 0, "TAP version 13\n1..5\nok 1\nok 2\n", errored("t", "timed out", {}));
    const auto report = render_and_read(events);
    EXPECT_EQ(report["suites"][0]["tests"], 1);
    EXPECT_EQ(report["suites"][0]["properties"]["vmtest.tap"],
              "not used: planned 5 tests but 2 reported");
}

TEST_F(JunitWriter, SubtestNamesAreUniqueAndNeverEmpty) {
    Events events{run_started({"t"})};
    add_target(events, "t", 0, "1..4\nok 1 - same\nok 2 - same\nok 3\nok 4 - t\n", passed("t"));
    const auto report = render_and_read(events);
    std::vector<std::string> names;
    for (const auto& c : report["suites"][0]["cases"]) {
        names.push_back(c["name"]);
    }
    EXPECT_THAT(names, ::testing::ElementsAre("t", "same [1]", "same [2]", "test 3", "t [4]"));
}

TEST_F(JunitWriter, SkipAllAndBailOut) {
    Events events{run_started({"skips", "bails"})};
    add_target(events, "skips", 0, "1..0 # SKIP no network\n", passed("skips"));
    add_target(events, "bails", 1, "1..3\nok 1\nBail out! no disk\n", passed("bails"));
    const auto report = render_and_read(events);
    const auto& skips = test_case(suite(report, "skips"), "skips");
    EXPECT_EQ(skips["verdict"], "skipped");
    EXPECT_EQ(skips["message"], "no network");
    const auto& bails = test_case(suite(report, "bails"), "bails");
    EXPECT_EQ(bails["verdict"], "failure");
    EXPECT_EQ(bails["type"], "bail_out");
    EXPECT_THAT(bails["message"].get<std::string>(), HasSubstr("no disk"));
}

TEST_F(JunitWriter, ARunCutShortReportsEveryTarget) {
    Events events{run_started({"done", "running", "waiting"})};
    add_target(events, "done", 0, "ok\n", passed("done"));
    events.push_back(target_started("running", 1));
    events.push_back(output("running", "half-way\n"));
    const auto report = render_and_read(events);
    ASSERT_EQ(report["suites"].size(), 3u);
    const auto& running = test_case(suite(report, "running"), "running");
    EXPECT_EQ(running["verdict"], "error");
    EXPECT_EQ(running["type"], "interrupted");
    EXPECT_EQ(running["system_out"], "half-way\n");
    const auto& waiting = test_case(suite(report, "waiting"), "waiting");
    EXPECT_EQ(waiting["verdict"], "error");
    EXPECT_EQ(waiting["type"], "not_run");
}

// Where each target's time went, as properties of its suite: Jenkins'
// schema allows <properties> in a <testsuite> only, not in a <testcase>.
TEST_F(JunitWriter, PhasesAreSuiteProperties) {
    auto whole = passed("whole", 5.0);
    whole["phases"] = {{"setup_s", 0.5}, {"boot_s", 3.25}, {"command_s", 0.75}, {"shutdown_s", 0.5}};
    auto boot_failed = errored("boot failed", "the guest did not boot", {}, 2.0);
    boot_failed["phases"] = {{"setup_s", 0.5}, {"boot_s", 1.0}, {"shutdown_s", 0.5}};
    Events events{run_started({"whole", "boot failed", "old vmtest"})};
    add_target(events, "whole", 0, "", whole);
    add_target(events, "boot failed", 1, "", boot_failed);
    add_target(events, "old vmtest", 2, "", passed("old vmtest"));
    events.push_back(run_finished(false));
    const auto report = render_and_read(events);

    const auto& properties = suite(report, "whole")["properties"];
    EXPECT_EQ(properties["vmtest.setup_s"], "0.500");
    EXPECT_EQ(properties["vmtest.boot_s"], "3.250");
    EXPECT_EQ(properties["vmtest.command_s"], "0.750");
    EXPECT_EQ(properties["vmtest.shutdown_s"], "0.500");
    const auto& failed_properties = suite(report, "boot failed")["properties"];
    EXPECT_EQ(failed_properties["vmtest.boot_s"], "1.000");
    EXPECT_FALSE(failed_properties.contains("vmtest.command_s")) << "never reached";
    EXPECT_FALSE(suite(report, "old vmtest")["properties"].contains("vmtest.boot_s"));
    EXPECT_THAT(m_xml, Not(::testing::ContainsRegex("<testcase[^/]*>\\s*<properties>")));

    if (const auto jenkins = jenkins_junit_schema()) {
        const fs::path file = m_dir / "phases.xml";
        std::ofstream(file, std::ios::binary) << m_xml;
        const auto valid = validate_junit(file, *jenkins);
        EXPECT_EQ(valid.status, 0) << valid.output;
    }
}

TEST_F(JunitWriter, EmptyRunIsStillAValidDocument) {
    const auto report = render_and_read({run_started({}), run_finished(false)});
    EXPECT_EQ(report["tests"], 0);
    EXPECT_TRUE(report["suites"].empty());
}

TEST_F(JunitWriter, HugeOutputIsCappedAndSaysSo) {
    Events events{run_started({"chatty"}), target_started("chatty", 0)};
    const std::string chunk = std::string(1023, 'y') + "\n";
    for (int i = 0; i < 3 * 1024; ++i) {
        events.push_back(output("chatty", chunk));
    }
    events.push_back(passed("chatty"));
    const auto report = render_and_read(events);
    const std::string out = report["suites"][0]["cases"][0]["system_out"];
    EXPECT_LE(out.size(), report::k_output_limit + 100);
    EXPECT_THAT(out, ::testing::StartsWith("[vmtest: 2097152 bytes of earlier output were not kept]"));
}

// The reporter as the plugin runs it, minus dlopen(): on the SDK's fake host.
using sdk::testing::FakeHost;

TEST_F(JunitWriter, FileReportIsRewrittenAfterEachTargetSoItIsAlwaysWhole) {
    FakeHost host;
    const fs::path file = m_dir / "out" / "results.xml";
    JunitReporter reporter(host.host(), {{"path", file.string()}});
    reporter.event(run_started({"a", "b"}));
    reporter.event(target_started("a", 0));
    EXPECT_FALSE(fs::exists(file));
    reporter.event(passed("a"));
    ASSERT_TRUE(fs::exists(file)) << "written when a target finishes";
    auto report = read_junit(file);
    EXPECT_EQ(test_case(suite(report, "a"), "a")["verdict"], "pass");
    EXPECT_EQ(test_case(suite(report, "b"), "b")["type"], "not_run");
    reporter.event(target_started("b", 1));
    reporter.event(failed("b", 3));
    reporter.event(run_finished(false));
    reporter.finish();
    report = read_junit(file);
    EXPECT_EQ(test_case(suite(report, "b"), "b")["verdict"], "failure");
    EXPECT_EQ(std::distance(fs::directory_iterator(file.parent_path()), fs::directory_iterator()), 1)
        << "no temporary file left";
}

TEST_F(JunitWriter, StdoutReportIsWrittenOnceAtTheEnd) {
    FakeHost host;
    const fs::path captured = m_dir / "stdout.xml";
    const int saved = dup(STDOUT_FILENO);
    const int fd = open(captured.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, STDOUT_FILENO);
    close(fd);
    std::size_t size_before_finish = 0;
    {
        JunitReporter reporter(host.host(), nlohmann::json::object());
        for (const auto& event : sample_run()) {
            reporter.event(event);
        }
        size_before_finish = fs::file_size(captured);
        reporter.finish();
    }
    dup2(saved, STDOUT_FILENO);
    close(saved);
    EXPECT_EQ(size_before_finish, 0u);
    const auto report = read_junit(captured);
    EXPECT_EQ(report["suites"].size(), 6u);
}

TEST_F(JunitWriter, AnUnwritableReportFailsAtCreationNotAfterTheRun) {
    FakeHost host;
    EXPECT_THROW(JunitReporter(host.host(), {{"path", m_dir.string()}}), std::runtime_error);
}

}  // namespace
}  // namespace vmtest::reporter_junit
