// The TAP writer, checked with Perl's TAP::Parser (what `prove` runs on)
// and, where installed, PyYAML for the diagnostic blocks.
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../../support/report_consumers.hpp"
#include "../../support/run_events.hpp"
#include "tap_reporter.hpp"
#include "vmtest/sdk/testing/fake_host.hpp"
#include "tap_writer.hpp"
#include "yaml_text.hpp"

namespace vmtest::reporter_tap {
namespace {

namespace fs = std::filesystem;
using namespace report_testing;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class TapWriter : public ::testing::Test {
  protected:
    // Renders `events` and returns what TAP::Parser reads from it, after
    // checking it read it without complaint (and PyYAML agrees on the YAML).
    nlohmann::json render_and_read(const Events& events) {
        m_tap = render_tap(record(events));
        const fs::path file = m_dir / "results.tap";
        std::ofstream(file, std::ios::binary) << m_tap;
        auto parsed = read_tap(file);
        EXPECT_TRUE(parsed["parse_errors"].empty()) << parsed["parse_errors"].dump() << "\n" << m_tap;
        EXPECT_FALSE(parsed["bailed_out"].get<bool>());
        if (const auto yaml = read_tap_yaml_with_pyyaml(file)) {
            nlohmann::json from_tap_parser = nlohmann::json::array();
            for (const auto& test : parsed["tests"]) {
                from_tap_parser.push_back(test["yaml"]);
            }
            for (std::size_t i = 0; i < yaml->size() && i < from_tap_parser.size(); ++i) {
                expect_same_yaml((*yaml)[i], from_tap_parser[i]);
            }
        }
        return parsed;
    }

    // PyYAML types numbers; YAMLish keeps strings: compare the strings, in
    // nested maps too.
    static void expect_same_yaml(const nlohmann::json& pyyaml, const nlohmann::json& yamlish) {
        for (const auto& [key, value] : pyyaml.items()) {
            if (!yamlish.is_object() || !yamlish.contains(key)) {
                ADD_FAILURE() << "TAP::Parser has no " << key << " in " << yamlish.dump();
                continue;
            }
            const auto& theirs = yamlish[key];
            if (value.is_number()) {
                EXPECT_DOUBLE_EQ(std::stod(theirs.get<std::string>()), value.get<double>()) << key;
            } else if (value.is_object()) {
                expect_same_yaml(value, theirs);
            } else {
                EXPECT_EQ(theirs, value) << key;
            }
        }
    }

    TempDir m_scratch;
    const fs::path& m_dir = m_scratch.path();
    std::string m_tap;
};

TEST_F(TapWriter, OneTestPointPerTargetAndThePlanIsMet) {
    const auto tap = render_and_read(sample_run());
    EXPECT_EQ(tap["version"], 13);
    EXPECT_EQ(tap["plan"], "1..6");
    EXPECT_EQ(tap["tests_run"], 6);
    EXPECT_THAT(tap["passed"], ElementsAre(1, 5));
    EXPECT_THAT(tap["failed"], ElementsAre(2, 3, 4, 6));
    EXPECT_EQ(tap["tests"][0]["description"], "- passes");
    EXPECT_THAT(m_tap, HasSubstr("# vmtest was interrupted"));
}

TEST_F(TapWriter, YamlDiagnosticsCarryResultExitStatusDurationAndOutputTail) {
    const auto tap = render_and_read(sample_run());
    const auto& passes = tap["tests"][0]["yaml"];
    EXPECT_EQ(passes["result"], "pass");
    EXPECT_EQ(passes["exit_code"], "0");
    EXPECT_EQ(passes["duration_s"], "1.500");
    EXPECT_EQ(passes["output_tail"], "hello\n");
    const auto& fails = tap["tests"][1]["yaml"];
    EXPECT_EQ(fails["result"], "fail");
    EXPECT_EQ(fails["exit_code"], "7");
    EXPECT_EQ(fails["message"], "command exited with status 7");
    EXPECT_EQ(fails["output_tail"], "to stdout\nto stderr\n");
    const auto& timeout = tap["tests"][3]["yaml"];
    EXPECT_EQ(timeout["result"], "error");
    EXPECT_EQ(timeout["error_kind"], "timeout");
    EXPECT_EQ(timeout["boot_log_tail"], "[    0.000000] Linux version 6.1\nvmtest-init: running\n");
    EXPECT_EQ(tap["tests"][5]["yaml"]["result"], "not_run");
    EXPECT_EQ(tap["tests"][5]["yaml"]["message"], "not run: interrupted");
}

// Where the time went, as a nested map of the YAML block: only the phases
// the target reached, none from a vmtest older than ABI 1.2.
TEST_F(TapWriter, YamlDiagnosticsCarryThePhases) {
    auto whole = passed("whole", 5.0);
    whole["phases"] = {{"setup_s", 0.5}, {"boot_s", 3.25}, {"command_s", 0.75}, {"shutdown_s", 0.5}};
    auto boot_failed = errored("boot failed", "the guest did not boot", {}, 2.0);
    boot_failed["phases"] = {{"setup_s", 0.5}, {"boot_s", 1.0}, {"shutdown_s", 0.5}};
    Events events{run_started({"whole", "boot failed", "old vmtest"})};
    add_target(events, "whole", 0, "", whole);
    add_target(events, "boot failed", 1, "", boot_failed);
    add_target(events, "old vmtest", 2, "", passed("old vmtest"));
    events.push_back(run_finished(false));
    const auto tap = render_and_read(events);

    EXPECT_THAT(m_tap, HasSubstr("  duration_s: 5.000\n"
                                 "  phases:\n"
                                 "    setup_s: 0.500\n"
                                 "    boot_s: 3.250\n"
                                 "    command_s: 0.750\n"
                                 "    shutdown_s: 0.500\n"));
    EXPECT_EQ(tap["tests"][0]["yaml"]["phases"],
              (nlohmann::json{{"setup_s", "0.500"}, {"boot_s", "3.250"}, {"command_s", "0.750"},
                              {"shutdown_s", "0.500"}}));
    EXPECT_EQ(tap["tests"][1]["yaml"]["phases"],
              (nlohmann::json{{"setup_s", "0.500"}, {"boot_s", "1.000"}, {"shutdown_s", "0.500"}}));
    EXPECT_FALSE(tap["tests"][2]["yaml"].contains("phases"));
}

TEST_F(TapWriter, HostileNamesAndOutputRoundTrip) {
    const auto tap = render_and_read(sample_run());
    const auto& hostile = tap["tests"][4];
    EXPECT_EQ(hostile["directive"], "") << "the '#' in the name is escaped";
    EXPECT_THAT(hostile["description"].get<std::string>(), HasSubstr("red"));
    EXPECT_EQ(hostile["yaml"]["output_tail"], k_hostile_output_clean);
}

TEST_F(TapWriter, OutputThatYamlishCouldMisreadIsQuoted) {
    const std::string output = "   indented first line\n\n  \\ back\\slash \"quoted\"\n...\n";
    Events events{run_started({"t"})};
    add_target(events, "t", 0, output, failed("t", 1));
    const auto tap = render_and_read(events);
    EXPECT_EQ(tap["tests"][0]["yaml"]["output_tail"], output.substr(0, output.size() - 1));
}

TEST_F(TapWriter, SubtestsAreNestedBeforeTheirTargetAndInvisibleToATap13Reader) {
    const auto tap = render_and_read(sample_run());
    EXPECT_THAT(m_tap, HasSubstr("    # Subtest: tap subtests\n"
                                 "    1..6\n"
                                 "    ok 1 - boots\n"
                                 "    not ok 2 - maps memory\n"
                                 "    ok 3 - needs hardware # SKIP no such device\n"
                                 "    not ok 4 - future feature # TODO not written yet\n"
                                 "    ok 5 - fixed already # TODO was broken\n"
                                 "        # Subtest: bpf\n"
                                 "        1..2\n"
                                 "        ok 1 - load\n"
                                 "        ok 2 - attach # SKIP no BTF\n"
                                 "    ok 6 - bpf\n"
                                 "not ok 3 - tap subtests\n"));
    EXPECT_EQ(tap["tests"][2]["yaml"]["tap"], "8 test points, 1 failed");
    EXPECT_EQ(tap["tests_run"], 6) << "nested test points are not top-level ones";
}

TEST_F(TapWriter, FailingSubtestsFailTheTargetEvenWhenItsCommandExitedZero) {
    Events events{run_started({"t"})};
    add_target(events, "t", 0, "1..2\nok 1\nnot ok 2 - broken\n", passed("t"));
    const auto tap = render_and_read(events);
    EXPECT_THAT(tap["failed"], ElementsAre(1));
    EXPECT_EQ(tap["tests"][0]["yaml"]["result"], "pass") << "vmtest's own verdict is kept";
}

TEST_F(TapWriter, TextFromTheGuestCannotBailOutOrAddTestPoints) {
    Events events{run_started({"Bail out! not really"})};
    add_target(events, "Bail out! not really", 0,
               "1..1\nok 1 - Bail out! inner # TODO x\nBail out! for real\nok 2\n",
               passed("Bail out! not really"));
    const auto tap = render_and_read(events);
    EXPECT_EQ(tap["tests_run"], 1);
    EXPECT_THAT(m_tap, Not(HasSubstr("\nBail out!")));
    EXPECT_THAT(m_tap, HasSubstr("\n    Bail out! for real\n"))
        << "the command's own line is inside the YAML block, where it is text";
}

TEST_F(TapWriter, InconsistentTapIsNotNestedButExplained) {
    Events events{run_started({"t"})};
    add_target(events, "t", 0, "TAP version 13\n1..3\nok 1\n", errored("t", "timed out", {}));
    const auto tap = render_and_read(events);
    EXPECT_THAT(m_tap, Not(HasSubstr("# Subtest")));
    EXPECT_EQ(tap["tests"][0]["yaml"]["tap"], "not used: planned 3 tests but 1 reported");
}

TEST_F(TapWriter, EmptyRunSkipsAll) {
    const auto tap = render_and_read({run_started({})});
    EXPECT_EQ(tap["tests_planned"], 0);
    EXPECT_EQ(tap["tests_run"], 0);
}

TEST(YamlText, QuotedScalarsEscapeWhatYamlishAndYamlReadAlike) {
    EXPECT_EQ(yaml_quoted("a \"b\" \\c\n\td"), "\"a \\x22b\\x22 \\\\c\\n\\td\"");
    EXPECT_EQ(yaml_quoted("\x1b[31mred\x01"), "\"red\xEF\xBF\xBD\"");
}

TEST(YamlText, BlockOrQuotedDependingOnTheFirstLine) {
    EXPECT_EQ(yaml_text_entry("out", "a\n\n  b\n", 2), "  out: |\n    a\n    \n      b\n");
    EXPECT_EQ(yaml_text_entry("out", "\n\n  a\nb", 2), "  out: \"  a\\nb\"\n");
    EXPECT_EQ(yaml_text_entry("out", "", 0), "out: \"\"\n");
}

TEST_F(TapWriter, FileReportAfterEachTargetAndAtTheEnd) {
    const sdk::testing::FakeHost host;
    const fs::path file = m_dir / "results.tap";
    TapReporter reporter(host.host(), {{"path", file.string()}});
    reporter.event(run_started({"a", "b"}));
    reporter.event(target_started("a", 0));
    reporter.event(passed("a"));
    auto tap = read_tap(file);
    EXPECT_TRUE(tap["parse_errors"].empty());
    EXPECT_THAT(tap["passed"], ElementsAre(1));
    EXPECT_THAT(tap["failed"], ElementsAre(2)) << "not run yet";
    reporter.event(target_started("b", 1));
    reporter.event(passed("b"));
    reporter.event(run_finished(false));
    reporter.finish();
    tap = read_tap(file);
    EXPECT_THAT(tap["passed"], ElementsAre(1, 2));
}

}  // namespace
}  // namespace vmtest::reporter_tap
