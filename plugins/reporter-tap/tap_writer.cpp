// TAP, the Test Anything Protocol: the run as a TAP version 13 stream.
//
// TAP is line-oriented text, readable by people and by every TAP consumer
// (Perl's prove and TAP::Parser, tap-parser in Node, pytest-tap, the TAP
// plugins of Jenkins and GitLab's converters):
//
//   TAP version 13
//   1..3                        the plan: one test point per target
//   ok 1 - <target>
//     ---                       a YAML diagnostic block under a test point
//     result: pass
//     exit_code: 0
//     duration_s: 3.512
//     phases:                   where the time went (those reached)
//       setup_s: 0.412
//       boot_s: 2.900
//       command_s: 0.050
//       shutdown_s: 0.150
//     ...
//       # Subtest: <target>     the target's own TAP test points, if any,
//       1..2                    indented 4 spaces, before the line that
//       ok 1 - first            sums them up (the nesting TAP 14 and
//       ok 2 - second # SKIP x  Test::More use; a TAP 13 reader ignores
//   not ok 2 - <target>         indented lines, so it remains valid 13)
//     ---
//     result: fail
//     message: "command exited with status 7"
//     kernel_splats: |          Since 1.3 (with kernel_release, dmesg, and
//       <the splats, whole>     error_kind: kernel_splat when they failed it)
//     output_tail: |
//       <the last lines of output>
//     ...
//
// A target is "ok" when vmtest says it passed and, if it printed
// consistent TAP (see tap_parser.hpp), none of its test points failed and
// it did not bail out: a reader of the top level alone must not miss a
// failure. Targets that never ran (Ctrl-C) are "not ok" with result
// not_run, so the plan is always met and an interrupted run is never read
// as a passing one.
//
// Nothing the command printed reaches the stream unindented, and nested
// lines are only plans, test lines and "# Subtest:" comments that vmtest
// writes itself from the parsed test points: the command's text cannot
// inject a test line or a "Bail out!" (which TAP::Parser obeys even when
// indented). Descriptions escape '#' as "\#" so they cannot start a
// directive; YAML values follow yaml_text.hpp.
#include "tap_writer.hpp"

#include <charconv>
#include <cmath>

#include "text_sanitizer.hpp"
#include "yaml_text.hpp"

namespace vmtest::reporter_tap {

namespace {

using report::RunRecord;
using report::TargetRecord;
using tap::TapDirective;
using tap::TapTestPoint;

constexpr std::size_t k_output_tail_lines = 20;
constexpr int k_subtest_indent = 4;

std::string seconds(double value) {
    if (!std::isfinite(value) || value < 0) {
        value = 0;
    }
    char text[64];
    const auto result = std::to_chars(text, text + sizeof text, value, std::chars_format::fixed, 3);
    return std::string(text, result.ptr);
}

// A description that stays one description: one line, no directive.
std::string description(std::string_view text) {
    std::string out;
    for (const char c : report::sanitize_line(text)) {
        if (c == '#') {
            out += '\\';
        }
        out += c;
    }
    return out;
}

void write_points(const std::vector<TapTestPoint>& points, const std::string& name, int indent,
                  std::string& out) {
    const std::string pad(static_cast<std::size_t>(indent), ' ');
    if (!name.empty()) {
        out += pad + "# Subtest: " + report::sanitize_line(name) + "\n";
    }
    out += pad + "1.." + std::to_string(points.size()) + "\n";
    int number = 0;
    for (const auto& point : points) {
        ++number;
        const std::string label =
            !point.description.empty() ? point.description : point.subtest_name;
        if (!point.subtests.empty()) {
            write_points(point.subtests, label, indent + k_subtest_indent, out);
        }
        out += pad + (point.ok ? "ok " : "not ok ") + std::to_string(number);
        if (!label.empty()) {
            out += " - " + description(label);
        }
        if (point.directive != TapDirective::none) {
            out += point.directive == TapDirective::skip ? " # SKIP" : " # TODO";
            if (!point.reason.empty()) {
                out += " " + report::sanitize_line(point.reason);
            }
        }
        out += "\n";
    }
}

std::string tap_summary(const tap::TapDocument& document) {
    int count = 0;
    std::vector<const std::vector<TapTestPoint>*> levels{&document.tests};
    while (!levels.empty()) {
        const auto* points = levels.back();
        levels.pop_back();
        for (const auto& point : *points) {
            ++count;
            levels.push_back(&point.subtests);
        }
    }
    const int failures = tap::count_failures(document);
    std::string summary = std::to_string(count) + " test points, " + std::to_string(failures) +
                          " failed";
    if (document.bailed_out) {
        summary += ", bailed out" +
                   (document.bail_out_reason.empty() ? "" : ": " + document.bail_out_reason);
    }
    return summary;
}

void write_target(const TargetRecord& target, const RunRecord& run, int number, std::string& out) {
    const std::string outcome = report::report_outcome(target);
    const tap::TapDocument* tap = report::usable_tap(target);
    const bool tap_failed = tap && (tap->bailed_out || tap::count_failures(*tap) > 0);
    if (tap && !tap->tests.empty()) {
        write_points(tap->tests, target.name, k_subtest_indent, out);
    }
    out += (outcome == "pass" && !tap_failed ? "ok " : "not ok ") + std::to_string(number) +
           " - " + description(target.name) + "\n";

    out += "  ---\n";
    out += "  result: " + outcome + "\n";
    if ((outcome != "pass" && outcome != "fail") || target.error_kind == "kernel_splat") {
        out += "  error_kind: " + report::error_kind(target) + "\n";
    }
    if (const std::string why = report::failure_line(target, run); !why.empty()) {
        out += "  message: " + yaml_quoted(why) + "\n";
    }
    if (target.exit_code) {
        out += "  exit_code: " + std::to_string(*target.exit_code) + "\n";
    }
    if (target.signal != 0) {
        out += "  signal: " + std::to_string(target.signal) + "\n";
    }
    out += "  duration_s: " + seconds(target.duration_s) + "\n";
    if (!target.phases.empty()) {
        out += "  phases:\n";
        for (const auto& phase : target.phases) {
            out += "    " + phase.name + ": " + seconds(phase.seconds) + "\n";
        }
    }
    if (!target.boot_log.empty()) {
        out += "  boot_log: " + yaml_quoted(target.boot_log) + "\n";
    }
    if (!target.kernel_release.empty()) {
        out += "  kernel_release: " + yaml_quoted(target.kernel_release) + "\n";
    }
    if (!target.dmesg.empty()) {
        out += "  dmesg: " + yaml_quoted(target.dmesg) + "\n";
    }
    if (target.splats && !target.splats->empty()) {
        std::string splats;
        for (const auto& splat : *target.splats) {
            splats += report::sanitize_text(splat.text) + "\n";
        }
        out += yaml_text_entry("kernel_splats", splats, 2);
    }
    if (!target.boot_log_tail.empty()) {
        std::string tail;
        for (const auto& line : target.boot_log_tail) {
            tail += line + "\n";
        }
        out += yaml_text_entry("boot_log_tail", tail, 2);
    }
    if (tap) {
        out += "  tap: " + yaml_quoted(tap_summary(*tap)) + "\n";
    } else if (target.tap.looks_like_tap) {
        out += "  tap: " + yaml_quoted("not used: " + target.tap.problem) + "\n";
    }
    if (const std::string recent = report::recent_lines(target, k_output_tail_lines);
        !recent.empty()) {
        out += yaml_text_entry("output_tail", recent, 2);
    }
    out += "  ...\n";
}

}  // namespace

std::string render_tap(const RunRecord& run) {
    std::string out = "TAP version 13\n";
    if (run.targets.empty()) {
        return out + "1..0 # SKIP no targets\n";
    }
    out += "1.." + std::to_string(run.targets.size()) + "\n";
    int number = 0;
    for (const auto& target : run.targets) {
        write_target(target, run, ++number, out);
    }
    if (run.interrupted) {
        out += "# vmtest was interrupted; targets it did not run are reported as not run\n";
    } else if (!run.finished) {
        out += "# vmtest has not finished the run; targets it did not run are reported as "
               "not run\n";
    }
    return out;
}

}  // namespace vmtest::reporter_tap
