// JUnit XML, the test report every CI system reads.
//
// There is no one JUnit specification: Ant's XML formatter started it,
// Maven Surefire extended it, and each consumer reads its own subset. This
// writer keeps to what the schema of Jenkins' xunit plugin (junit-10.xsd)
// allows, which Jenkins, GitLab, GitHub test-report actions and Python's
// junitparser all read:
//
//   <testsuites name tests failures errors time>
//     <testsuite name tests failures errors skipped time timestamp hostname>
//       <properties><property name value/>...</properties>   vmtest.result,
//                                  vmtest.boot_s, ...: the target's details
//       <testcase name classname time>
//         <failure type message>text</failure>   it ran and did not pass
//         <error type message>text</error>       it could not run properly
//         <skipped type message/>
//         <system-out>text</system-out><system-err>text</system-err>
//       </testcase>
//
// Layout: one <testsuite> per target inside one <testsuites> for the run.
// A target (a kernel and a command) is what a reader looks for first.
// GitLab shows each suite as a row of its test report, with its counts and
// time, and Jenkins groups test cases by classname, set to the target's
// name: either way a target reads as one group, its subtests inside it.
// And the same subtest run on three kernels stays three tests in three
// groups. One suite for the whole run would mix every target's test cases
// in one list, where the same test name appears three times.
//
// Each suite has a test case named after its target, carrying vmtest's
// verdict: a nonzero exit is a <failure>, and so is a splat in the guest
// kernel's log (type "kernel_splat", the splats as its text and in
// <system-err>, Since 1.3); an infrastructure problem (boot
// failure, timeout, kernel panic, Ctrl-C) is an <error>, which CI tells
// apart from a failing test, with the end of the guest's boot log in its
// text where that explains it. Its <system-out> and <system-err> hold the
// command's output (the last MiB of each stream). When the command printed
// TAP or KTAP that is consistent (see tap_parser.hpp), each test point
// becomes a test case of the suite too, named by its description
// ("suite/test" when nested): "not ok" is a <failure>, "# SKIP" <skipped>,
// and "# TODO" as TAP means it - failing as expected is <skipped
// type="todo">, passing a pass. Targets that never ran (after Ctrl-C) are
// <error type="not_run">: a report of a cut-short run must not look green.
//
// classname is the target's name with '.' replaced by '_', because Jenkins
// splits a classname at dots into package and class, which would cut a
// target named "6.1" in two. All text is sanitised and escaped (no CDATA,
// so "]]>" needs no special case), and times are seconds with three
// decimals, as the schema's SUREFIRE_TIME pattern accepts.
#include "junit_writer.hpp"

#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <unistd.h>

#include "text_sanitizer.hpp"
#include "xml_text.hpp"

namespace vmtest::reporter_junit {

namespace {

using report::RunRecord;
using report::TargetRecord;
using tap::TapOutcome;
using tap::TapTestPoint;

// Enough of the end of the output to see why, without repeating it all.
constexpr std::size_t k_failure_lines = 50;

struct TestCase {
    enum class Verdict { pass, failure, error, skipped };
    std::string name;
    std::string number;  // "3", "2.1": the test point's place, for unique names
    Verdict verdict = Verdict::pass;
    std::string type;
    std::string message;
    std::string text;  // of the failure, error or skipped element
    std::string system_out;
    std::string system_err;
    std::optional<double> time;
};

struct Property {
    std::string name;
    std::string value;
};

std::string seconds(double value) {
    if (!std::isfinite(value) || value < 0) {
        value = 0;
    }
    char text[64];
    const auto result = std::to_chars(text, text + sizeof text, value, std::chars_format::fixed, 3);
    return std::string(text, result.ptr);
}

std::string class_name(const std::string& target) {
    std::string name = report::sanitize_line(target);
    for (char& c : name) {
        if (c == '.') {
            c = '_';
        }
    }
    return name;
}

std::string host_name() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0) {
        return "";
    }
    return name;
}

// The target's own test case: vmtest's verdict on it.
TestCase target_case(const TargetRecord& target, const RunRecord& run) {
    TestCase test;
    test.name = target.name;
    test.time = target.duration_s;
    test.system_out = report::kept_output(target.stdout_tail);
    test.system_err = report::kept_output(target.stderr_tail);
    // The kernel's splats (Since 1.3) with the command's stderr: what went
    // wrong beside the command's own output, whatever the verdict.
    if (const std::string splats = report::splats_text(target); !splats.empty()) {
        test.system_err += (test.system_err.empty() ? "" : "\n") + splats;
    }
    const std::string outcome = report::report_outcome(target);
    const std::string why = report::failure_line(target, run);
    const std::string recent = report::recent_lines(target, k_failure_lines);
    const tap::TapDocument* tap = report::usable_tap(target);

    if (outcome == "fail" && target.error_kind == "kernel_splat") {
        test.verdict = TestCase::Verdict::failure;
        test.type = "kernel_splat";
        test.message = why;
        test.text = why + "\n\n" + report::splats_text(target);
    } else if (outcome == "fail") {
        test.verdict = TestCase::Verdict::failure;
        test.type = target.signal != 0 ? "signal" : "exit_status";
        test.message = why;
        test.text = why + (recent.empty() ? "" : "\n\nlast lines of output:\n" + recent);
    } else if (outcome != "pass") {
        test.verdict = TestCase::Verdict::error;
        test.type = report::error_kind(target);
        test.message = why;
        test.text = why + "\n";
        if (!target.boot_log_tail.empty()) {
            test.text += "\nlast lines of the guest's boot log:\n";
            for (const auto& line : target.boot_log_tail) {
                test.text += line + "\n";
            }
        }
        if (!target.boot_log.empty()) {
            test.text += "\nboot log: " + target.boot_log + "\n";
        }
        if (!recent.empty()) {
            test.text += "\nlast lines of output:\n" + recent;
        }
    } else if (tap && tap->bailed_out) {
        test.verdict = TestCase::Verdict::failure;
        test.type = "bail_out";
        test.message = "the command's TAP output bailed out" +
                       (tap->bail_out_reason.empty() ? "" : ": " + tap->bail_out_reason);
        test.text = test.message + "\n";
    } else if (tap && tap->tests.empty() && tap->planned == 0) {
        // "1..0 # SKIP reason": the program decided it has nothing to test here.
        test.verdict = TestCase::Verdict::skipped;
        test.message = tap->skip_all_reason.empty() ? "no tests to run" : tap->skip_all_reason;
    }
    return test;
}

std::string point_name(const TapTestPoint& point, const std::string& number) {
    if (!point.description.empty()) {
        return point.description;
    }
    return point.subtest_name.empty() ? "test " + number : point.subtest_name;
}

TestCase point_case(const TapTestPoint& point, const std::string& name, const std::string& number) {
    TestCase test;
    test.name = name;
    test.number = number;
    std::string details = point.output;
    if (!point.yaml.empty()) {
        details += (details.empty() ? "" : "\n") + std::string("---\n") + point.yaml + "...\n";
    }
    const std::string line = std::string(point.ok ? "ok " : "not ok ") + number +
                             (point.description.empty() ? "" : " - " + point.description);
    switch (tap::outcome_of(point)) {
    case TapOutcome::pass:
        test.system_out = details;
        break;
    case TapOutcome::fail:
        test.verdict = TestCase::Verdict::failure;
        test.type = "tap";
        test.message = line;
        test.text = details.empty() ? line + "\n" : details;
        break;
    case TapOutcome::skip:
        test.verdict = TestCase::Verdict::skipped;
        test.message = point.reason.empty() ? "skipped" : point.reason;
        test.system_out = details;
        break;
    case TapOutcome::todo_failed:
        test.verdict = TestCase::Verdict::skipped;
        test.type = "todo";
        test.message = "TODO" + (point.reason.empty() ? "" : ": " + point.reason) +
                       " (fails, as expected)";
        test.system_out = details;
        break;
    case TapOutcome::todo_passed:
        test.system_out = "TODO test passed" +
                          (point.reason.empty() ? "" : " (TODO: " + point.reason + ")") + "\n" +
                          details;
        break;
    }
    return test;
}

// Test points become test cases; a point with subtests is summed up by
// them, and is a case itself only when it failed in a way they do not show.
void add_points(const std::vector<TapTestPoint>& points, const std::string& prefix,
                const std::string& number_prefix, std::vector<TestCase>& cases) {
    for (const auto& point : points) {
        const std::string number = number_prefix + std::to_string(point.number);
        const std::string name = prefix + point_name(point, number);
        if (point.subtests.empty()) {
            cases.push_back(point_case(point, name, number));
            continue;
        }
        add_points(point.subtests, name + "/", number + ".", cases);
        const bool unexplained = tap::count_failures(point.subtests) == 0;
        if (tap::outcome_of(point) == TapOutcome::fail && unexplained) {
            cases.push_back(point_case(point, name, number));
        }
    }
}

// Test names must be unique within a suite for CI to track them across runs.
void make_names_unique(std::vector<TestCase>& cases) {
    std::map<std::string, int> uses;
    for (const auto& test : cases) {
        ++uses[test.name];
    }
    for (auto& test : cases) {
        if (uses[test.name] > 1 && !test.number.empty()) {
            test.name += " [" + test.number + "]";
        }
    }
}

std::vector<Property> properties_of(const TargetRecord& target) {
    std::vector<Property> properties{{"vmtest.result", report::report_outcome(target)}};
    if (target.exit_code) {
        properties.push_back({"vmtest.exit_code", std::to_string(*target.exit_code)});
    }
    if (target.signal != 0) {
        properties.push_back({"vmtest.signal", std::to_string(target.signal)});
    }
    if (!target.boot_log.empty()) {
        properties.push_back({"vmtest.boot_log", target.boot_log});
    }
    if (!target.dmesg.empty()) {
        properties.push_back({"vmtest.dmesg", target.dmesg});
    }
    if (!target.kernel_release.empty()) {
        properties.push_back({"vmtest.kernel_release", target.kernel_release});
    }
    if (target.splats) {
        properties.push_back({"vmtest.kernel_splats", std::to_string(target.splats->size())});
    }
    // Where the time went: vmtest.setup_s, vmtest.boot_s, ... Here rather
    // than in the target's <testcase>: Jenkins' schema allows <properties>
    // only in a <testsuite>, and each target has a suite of its own.
    for (const auto& phase : target.phases) {
        properties.push_back({"vmtest." + phase.name, seconds(phase.seconds)});
    }
    if (target.tap.looks_like_tap) {
        // Why subtests do or do not appear: the first question when they don't.
        properties.push_back({"vmtest.tap", target.tap.consistent
                                                ? "reported test point by test point"
                                                : "not used: " + target.tap.problem});
    }
    return properties;
}

struct Counts {
    int tests = 0;
    int failures = 0;
    int errors = 0;
    int skipped = 0;
};

Counts count(const std::vector<TestCase>& cases) {
    Counts counts;
    for (const auto& test : cases) {
        ++counts.tests;
        counts.failures += test.verdict == TestCase::Verdict::failure;
        counts.errors += test.verdict == TestCase::Verdict::error;
        counts.skipped += test.verdict == TestCase::Verdict::skipped;
    }
    return counts;
}

std::string attribute(const char* name, const std::string& value) {
    return std::string(" ") + name + "=\"" + xml_attribute(value) + "\"";
}

void write_case(const TestCase& test, const std::string& classname, std::string& xml) {
    xml += "    <testcase" + attribute("name", test.name) + attribute("classname", classname);
    if (test.time) {
        xml += attribute("time", seconds(*test.time));
    }
    const bool empty = test.verdict == TestCase::Verdict::pass && test.system_out.empty() &&
                       test.system_err.empty();
    if (empty) {
        xml += "/>\n";
        return;
    }
    xml += ">\n";
    if (test.verdict != TestCase::Verdict::pass) {
        const char* element = test.verdict == TestCase::Verdict::failure ? "failure"
                              : test.verdict == TestCase::Verdict::error ? "error"
                                                                         : "skipped";
        xml += std::string("      <") + element;
        if (!test.type.empty()) {
            xml += attribute("type", test.type);
        }
        xml += attribute("message", test.message);
        xml += test.text.empty() ? "/>\n"
                                 : ">" + xml_text(test.text) + "</" + element + ">\n";
    }
    if (!test.system_out.empty()) {
        xml += "      <system-out>" + xml_text(test.system_out) + "</system-out>\n";
    }
    if (!test.system_err.empty()) {
        xml += "      <system-err>" + xml_text(test.system_err) + "</system-err>\n";
    }
    xml += "    </testcase>\n";
}

std::string suite_xml(const TargetRecord& target, const RunRecord& run, const std::string& host,
                      Counts& totals) {
    std::vector<TestCase> cases{target_case(target, run)};
    if (const tap::TapDocument* tap = report::usable_tap(target)) {
        add_points(tap->tests, "", "", cases);
    }
    make_names_unique(cases);
    const Counts counts = count(cases);
    totals.tests += counts.tests;
    totals.failures += counts.failures;
    totals.errors += counts.errors;

    std::string xml = "  <testsuite" + attribute("name", target.name) +
                      attribute("tests", std::to_string(counts.tests)) +
                      attribute("failures", std::to_string(counts.failures)) +
                      attribute("errors", std::to_string(counts.errors)) +
                      attribute("skipped", std::to_string(counts.skipped)) +
                      attribute("time", seconds(target.duration_s));
    if (!target.started_at.empty()) {
        xml += attribute("timestamp", target.started_at);
    }
    if (!host.empty()) {
        xml += attribute("hostname", host);
    }
    xml += ">\n    <properties>\n";
    for (const auto& property : properties_of(target)) {
        xml += "      <property" + attribute("name", property.name) +
               attribute("value", property.value) + "/>\n";
    }
    xml += "    </properties>\n";
    const std::string classname = class_name(target.name);
    for (const auto& test : cases) {
        write_case(test, classname, xml);
    }
    xml += "  </testsuite>\n";
    return xml;
}

}  // namespace

std::string render_junit(const RunRecord& run) {
    const std::string host = host_name();
    Counts totals;
    double time = 0;
    std::string suites;
    for (const auto& target : run.targets) {
        suites += suite_xml(target, run, host, totals);
        time += std::isfinite(target.duration_s) && target.duration_s > 0 ? target.duration_s : 0;
    }
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites" + attribute("name", "vmtest") +
           attribute("tests", std::to_string(totals.tests)) +
           attribute("failures", std::to_string(totals.failures)) +
           attribute("errors", std::to_string(totals.errors)) + attribute("time", seconds(time)) +
           ">\n" + suites + "</testsuites>\n";
}

}  // namespace vmtest::reporter_junit
