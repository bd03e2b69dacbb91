// The TAP/KTAP parser on what commands really print: clean TAP, kernel
// KTAP with log prefixes, nesting in its several styles, and the output
// that must make it fall back (interleaved, truncated, concatenated).
#include <gtest/gtest.h>

#include "../../support/run_events.hpp"
#include "tap_parser.hpp"

namespace vmtest::tap {
namespace {

TEST(TapParser, PlanFirstTestPointsAndDescriptions) {
    const auto doc = parse_tap("TAP version 13\n1..3\nok 1 - first\nnot ok 2 second\nok third\n");
    ASSERT_TRUE(doc.consistent) << doc.problem;
    EXPECT_EQ(doc.version, 13);
    EXPECT_FALSE(doc.ktap);
    EXPECT_EQ(doc.planned, 3);
    ASSERT_EQ(doc.tests.size(), 3u);
    EXPECT_TRUE(doc.tests[0].ok);
    EXPECT_EQ(doc.tests[0].description, "first");
    EXPECT_FALSE(doc.tests[1].ok);
    EXPECT_EQ(doc.tests[1].description, "second");
    EXPECT_EQ(doc.tests[2].number, 3) << "a test line without number takes its position";
    EXPECT_EQ(doc.tests[2].description, "third");
}

TEST(TapParser, PlanLastAndNoVersionLineIsTap12) {
    const auto doc = parse_tap("ok 1\nok 2\n1..2\n");
    ASSERT_TRUE(doc.consistent) << doc.problem;
    EXPECT_EQ(doc.version, 12);
    EXPECT_EQ(doc.tests.size(), 2u);
}

TEST(TapParser, DirectivesInAnyCaseAndEscapedHash) {
    const auto doc = parse_tap("1..6\n"
                               "ok 1 - a # SKIP no disk\n"
                               "ok 2 - b # skipped: later\n"
                               "not ok 3 - c # TODO write it\n"
                               "ok 4 - d # todo\n"
                               "ok 5 - issue \\#42 fixed\n"
                               "ok 6 - e # just a comment\n");
    ASSERT_TRUE(doc.consistent) << doc.problem;
    EXPECT_EQ(doc.tests[0].directive, TapDirective::skip);
    EXPECT_EQ(doc.tests[0].reason, "no disk");
    EXPECT_EQ(doc.tests[0].description, "a");
    EXPECT_EQ(doc.tests[1].directive, TapDirective::skip);
    EXPECT_EQ(doc.tests[1].reason, "later");
    EXPECT_EQ(doc.tests[2].directive, TapDirective::todo);
    EXPECT_EQ(doc.tests[2].reason, "write it");
    EXPECT_EQ(outcome_of(doc.tests[2]), TapOutcome::todo_failed);
    EXPECT_EQ(outcome_of(doc.tests[3]), TapOutcome::todo_passed);
    EXPECT_EQ(doc.tests[4].directive, TapDirective::none);
    EXPECT_EQ(doc.tests[4].description, "issue #42 fixed");
    EXPECT_EQ(doc.tests[5].directive, TapDirective::none);
    EXPECT_EQ(doc.tests[5].description, "e");
    EXPECT_EQ(count_failures(doc), 0) << "a failing TODO test is not a failure";
}

TEST(TapParser, SkipAllPlan) {
    const auto doc = parse_tap("1..0 # SKIP no network in the guest\n");
    ASSERT_TRUE(doc.consistent) << doc.problem;
    EXPECT_EQ(doc.planned, 0);
    EXPECT_EQ(doc.skip_all_reason, "no network in the guest");
}

TEST(TapParser, YamlBlockBelongsToItsTestAndHidesTapLookalikes) {
    const auto doc = parse_tap("1..2\nnot ok 1 - x\n  ---\n  got: 5\n  log: |\n    ok 7\n"
                               "    1..9\n  ...\nok 2\n");
    ASSERT_TRUE(doc.consistent) << doc.problem;
    EXPECT_EQ(doc.tests[0].yaml, "got: 5\nlog: |\n  ok 7\n  1..9\n");
}

TEST(TapParser, OutputBeforeATestPointIsItsOutput) {
    const auto doc = parse_tap("1..2\nchecking a\nok 1 - a\n# diag for b\nwarning: b\nnot ok 2 - b\n");
    ASSERT_TRUE(doc.consistent) << doc.problem;
    EXPECT_EQ(doc.tests[0].output, "checking a\n");
    EXPECT_EQ(doc.tests[1].output, "# diag for b\nwarning: b\n");
}

TEST(TapParser, KtapFromTheKernelLogWithNestedSuites) {
    // As kunit prints it to the console, timestamps and all, with an
    // unrelated kernel message in the middle.
    const auto doc = parse_tap("[    0.512345] KTAP version 1\n"
                               "[    0.512350] 1..2\n"
                               "[    0.512360]     KTAP version 1\n"
                               "[    0.512370]     # Subtest: example\n"
                               "[    0.512380]     1..3\n"
                               "[    0.512390]     ok 1 example_simple_test\n"
                               "[    0.512400] random: crng init done\n"
                               "[    0.512410]     ok 2 example_skip_test # SKIP this test should be skipped\n"
                               "[    0.512420]         KTAP version 1\n"
                               "[    0.512430]         # Subtest: example_params_test\n"
                               "[    0.512440]         ok 1 example value 3\n"
                               "[    0.512450]         ok 2 example value 2\n"
                               "[    0.512460]         1..2\n"
                               "[    0.512470]     not ok 3 example_params_test\n"
                               "[    0.512480] # example: pass:1 fail:1 skip:1 total:3\n"
                               "[    0.512490] not ok 1 example\n"
                               "<6>[    0.6][    T1] ok 2 other_suite\n");
    ASSERT_TRUE(doc.consistent) << doc.problem;
    EXPECT_TRUE(doc.ktap);
    EXPECT_EQ(doc.version, 1);
    ASSERT_EQ(doc.tests.size(), 2u);
    const auto& example = doc.tests[0];
    EXPECT_EQ(example.description, "example");
    EXPECT_EQ(example.subtest_name, "example");
    ASSERT_EQ(example.subtests.size(), 3u);
    EXPECT_EQ(example.subtests[1].directive, TapDirective::skip);
    EXPECT_EQ(example.subtests[1].reason, "this test should be skipped");
    ASSERT_EQ(example.subtests[2].subtests.size(), 2u);
    EXPECT_EQ(example.subtests[2].subtests[0].description, "example value 3");
    EXPECT_EQ(doc.tests[1].description, "other_suite");
    EXPECT_EQ(count_failures(doc), 2);
}

TEST(TapParser, TestMoreAndTap14Subtests) {
    // Test::More: "# Subtest" inside, indented; TAP 14: before, not indented.
    const auto doc = parse_tap("TAP version 14\n1..2\n"
                               "    # Subtest: inner\n    ok 1 - a\n    1..1\nok 1 - inner\n"
                               "# Subtest: second\n    1..1\n    ok 1 - b\nok 2\n");
    ASSERT_TRUE(doc.consistent) << doc.problem;
    ASSERT_EQ(doc.tests.size(), 2u);
    EXPECT_EQ(doc.tests[0].subtest_name, "inner");
    EXPECT_EQ(doc.tests[0].subtests.size(), 1u);
    EXPECT_EQ(doc.tests[1].subtest_name, "second");
    EXPECT_EQ(doc.tests[1].subtests.size(), 1u);
}

TEST(TapParser, TheSampleSubtestTapIsConsistent) {
    const auto doc = parse_tap(report_testing::k_subtest_tap);
    ASSERT_TRUE(doc.consistent) << doc.problem;
    EXPECT_EQ(doc.tests.size(), 6u);
    EXPECT_EQ(doc.tests[1].yaml, "message: \"expected 4, got 5\"\n");
    EXPECT_EQ(doc.tests[5].subtests.size(), 2u);
}

TEST(TapParser, BailOutEndsTheDocumentWithoutMeetingThePlan) {
    const auto doc = parse_tap("1..5\nok 1\nBail out! database is down\nok 2\n");
    ASSERT_TRUE(doc.consistent) << doc.problem;
    EXPECT_TRUE(doc.bailed_out);
    EXPECT_EQ(doc.bail_out_reason, "database is down");
    EXPECT_EQ(doc.tests.size(), 1u);
}

TEST(TapParser, NotTapAtAll) {
    for (const char* text : {"", "hello\nworld\n", "ok\n", "okay then\nnot okay\n"}) {
        const auto doc = parse_tap(text);
        EXPECT_FALSE(doc.looks_like_tap) << text;
        EXPECT_FALSE(doc.consistent) << text;
    }
}

struct Inconsistent {
    const char* what;
    const char* text;
    const char* problem;
};

class TapParserFallsBack : public ::testing::TestWithParam<Inconsistent> {};

TEST_P(TapParserFallsBack, OnInconsistentOutput) {
    const auto doc = parse_tap(GetParam().text);
    EXPECT_TRUE(doc.looks_like_tap);
    EXPECT_FALSE(doc.consistent);
    EXPECT_NE(doc.problem.find(GetParam().problem), std::string::npos) << doc.problem;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TapParserFallsBack,
    ::testing::Values(
        Inconsistent{"truncated by a timeout", "1..4\nok 1\nok 2\n", "planned 4 tests but 2"},
        Inconsistent{"no plan", "TAP version 13\nok 1\nok 2\n", "no plan"},
        Inconsistent{"two streams in sequence", "TAP version 13\n1..1\nok 1\nTAP version 13\n1..1\nok 1\n",
                     "a second version line"},
        Inconsistent{"two streams interleaved", "1..2\n1..2\nok 1\nok 1\nok 2\nok 2\n", "a second plan"},
        Inconsistent{"numbers out of order", "1..3\nok 1\nok 3\nok 2\n", "test number 3 where 2"},
        Inconsistent{"test after a trailing plan", "ok 1\n1..1\nok 2\n", "after the plan"},
        Inconsistent{"subtests never closed", "1..1\nok 1\n    1..1\n    ok 1\n", "without the test line"},
        Inconsistent{"subtest plan not met", "1..1\n    1..2\n    ok 1\nok 1\n",
                     "subtests of test 1: planned 2"},
        Inconsistent{"YAML block never ended", "1..2\nnot ok 1\n  ---\n  a: 1\nok 2\n", "has no end"}),
    [](const auto& info) {
        std::string name = info.param.what;
        for (char& c : name) {
            c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
        }
        return name;
    });

TEST(TapParser, CrLfLineEndingsAndHugeNumbers) {
    auto doc = parse_tap("1..2\r\nok 1 - a\r\nok 2 - b\r\n");
    ASSERT_TRUE(doc.consistent) << doc.problem;
    EXPECT_EQ(doc.tests[1].description, "b");
    doc = parse_tap("1..99999999999999999999\nok 99999999999999999999999\n");
    EXPECT_FALSE(doc.consistent);
}

TEST(TapParser, DeepNestingIsBoundedAndDoesNotCrash) {
    std::string text = "1..1\n";
    for (int depth = 1; depth < 5000; ++depth) {
        text += std::string(static_cast<std::size_t>(depth), ' ') + "ok 1\n";
    }
    text += "ok 1\n";
    const auto doc = parse_tap(text);
    EXPECT_FALSE(doc.consistent);
}

TEST(TapParser, LongOutputParsesQuickly) {
    std::string text = "1..20000\n";
    for (int i = 1; i <= 20000; ++i) {
        text += "some chatter from test " + std::to_string(i) + "\nok " + std::to_string(i) +
                " - test " + std::to_string(i) + "\n";
    }
    const auto doc = parse_tap(text);
    ASSERT_TRUE(doc.consistent) << doc.problem;
    EXPECT_EQ(doc.tests.size(), 20000u);
}

}  // namespace
}  // namespace vmtest::tap
