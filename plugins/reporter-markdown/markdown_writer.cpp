// Markdown: the run as a summary a person reads on a CI run page (GitHub's
// $GITHUB_STEP_SUMMARY, a GitLab merge request note) or in a terminal:
//
//   ### vmtest: 1 passed, 1 failed, 1 error
//
//   | Target | Result | Duration | Kernel | Failing subtests |
//   |---|---|---|---|---|
//   | 6\.1 | ✅ pass | 8.1 s | 6.1.0-9-amd64 | |
//   | 6\.6 | ❌ fail: command exited with status 7 | 9.0 s | 6.6.1 | bpf/test\_maps |
//   | 6\.12 | ⚠️ error (timeout): timed out after 600 s | 600.2 s | 6.12.8 | |
//
//   <details><summary>6.6: last lines of output</summary>
//
//   ```text
//   ...
//   ```
//
//   </details>
//
// One row per target, in run order. A target that failed or errored gets a
// collapsed block after the table: the end of the guest's boot log when
// vmtest's side failed (it tells why a guest did not boot or answer), the
// last lines of the command's output when the command failed. As in the TAP
// report, a target whose own TAP has failing test points is not shown as
// passing, so the table alone never hides a failure.
//
// Everything that comes from the run is escaped for the place it lands in
// (markdown_text.hpp): a target name or output cannot add a row, a column,
// a link, an HTML element or end a code block.
#include "markdown_writer.hpp"

#include <charconv>
#include <cmath>

#include "markdown_text.hpp"
#include "text_sanitizer.hpp"

namespace vmtest::reporter_markdown {

namespace {

using report::RunRecord;
using report::TargetRecord;
using tap::TapTestPoint;

constexpr std::size_t k_output_tail_lines = 30;
// Failing subtests named in a cell; a run of hundreds would drown the table.
constexpr std::size_t k_listed_subtests = 10;

std::string seconds(double value) {
    if (!std::isfinite(value) || value < 0) {
        value = 0;
    }
    char text[64];
    const auto result = std::to_chars(text, text + sizeof text, value, std::chars_format::fixed, 1);
    return std::string(text, result.ptr) + " s";
}

// Names of the failing test points under `points` ("suite/test" when
// nested), innermost first: a suite fails because a test in it did.
void collect_failing(const std::vector<TapTestPoint>& points, const std::string& prefix,
                     std::vector<std::string>& names) {
    for (const auto& point : points) {
        const std::string label =
            !point.description.empty() ? point.description : point.subtest_name;
        const std::string path = prefix.empty() ? label : prefix + "/" + label;
        const std::size_t before = names.size();
        collect_failing(point.subtests, path, names);
        if (names.size() == before && tap::outcome_of(point) == tap::TapOutcome::fail) {
            names.push_back(path.empty() ? "#" + std::to_string(point.number) : path);
        }
    }
}

std::vector<std::string> failing_subtests(const TargetRecord& target) {
    std::vector<std::string> names;
    if (const tap::TapDocument* tap = report::usable_tap(target)) {
        collect_failing(tap->tests, "", names);
    }
    return names;
}

struct Row {
    std::string outcome;  // pass, fail, error, not_run: as the table counts it
    std::string result;   // the Result cell, escaped
};

Row row_for(const TargetRecord& target, const RunRecord& run,
            const std::vector<std::string>& failing) {
    const std::string outcome = report::report_outcome(target);
    const std::string why = report::failure_line(target, run);
    const tap::TapDocument* tap = report::usable_tap(target);
    if (outcome == "pass") {
        if (tap && tap->bailed_out) {
            return {"fail", "❌ fail: " + markdown_inline("bailed out: " + tap->bail_out_reason)};
        }
        if (!failing.empty()) {
            return {"fail", "❌ fail: " + markdown_inline(std::to_string(tap::count_failures(*tap)) +
                                                         " subtests failed")};
        }
        return {"pass", "✅ pass"};
    }
    if (outcome == "fail") {
        return {"fail", "❌ fail: " + markdown_inline(why)};
    }
    if (outcome == "not_run") {
        return {"not_run", "⏭️ " + markdown_inline(why)};
    }
    return {"error", "⚠️ error (" + markdown_inline(report::error_kind(target)) +
                         "): " + markdown_inline(why)};
}

std::string subtests_cell(const std::vector<std::string>& failing) {
    std::string cell;
    for (std::size_t i = 0; i < failing.size() && i < k_listed_subtests; ++i) {
        cell += (i ? ", " : "") + markdown_inline(failing[i]);
    }
    if (failing.size() > k_listed_subtests) {
        cell += " and " + std::to_string(failing.size() - k_listed_subtests) + " more";
    }
    return cell;
}

std::string heading(const std::vector<Row>& rows) {
    int passed = 0, failed = 0, errors = 0, not_run = 0;
    for (const auto& row : rows) {
        passed += row.outcome == "pass";
        failed += row.outcome == "fail";
        errors += row.outcome == "error";
        not_run += row.outcome == "not_run";
    }
    std::string counts;
    const auto add = [&](int count, const std::string& what) {
        if (count > 0) {
            counts += (counts.empty() ? "" : ", ") + std::to_string(count) + " " + what;
        }
    };
    add(passed, "passed");
    add(failed, "failed");
    add(errors, errors == 1 ? "error" : "errors");
    add(not_run, "not run");
    return "### vmtest: " + (counts.empty() ? std::string("no targets") : counts) + "\n";
}

// The collapsed block of a target that did not pass: what tells why.
std::string details_for(const TargetRecord& target, const Row& row) {
    std::string title;
    std::string body;
    if (row.outcome == "error" && !target.boot_log_tail.empty()) {
        title = "boot log tail";
        for (const auto& line : target.boot_log_tail) {
            body += line + "\n";
        }
    } else if (row.outcome == "error" || row.outcome == "fail") {
        title = "last lines of output";
        body = report::recent_lines(target, k_output_tail_lines);
    }
    if (body.empty()) {
        return "";
    }
    return "<details><summary>" + html_inline(target.name + ": " + title) + "</summary>\n\n" +
           fenced_block(body) + "\n</details>\n\n";
}

}  // namespace

std::string render_markdown(const RunRecord& run) {
    std::vector<Row> rows;
    std::string table = "| Target | Result | Duration | Kernel | Failing subtests |\n"
                        "|---|---|---|---|---|\n";
    std::string details;
    for (const auto& target : run.targets) {
        const auto failing = failing_subtests(target);
        const Row row = row_for(target, run, failing);
        rows.push_back(row);
        const bool ran = target.started || target.finished;
        table += "| " + markdown_inline(target.name) + " | " + row.result + " | " +
                 (ran && report::report_outcome(target) != "not_run" ? seconds(target.duration_s)
                                                                     : "") +
                 " | " + markdown_inline(target.kernel_release) + " | " + subtests_cell(failing) +
                 " |\n";
        details += details_for(target, row);
    }
    std::string out = heading(rows) + "\n";
    if (run.targets.empty()) {
        return out + "No target was selected.\n";
    }
    out += table + "\n";
    if (run.interrupted) {
        out += "vmtest was interrupted; targets it did not run are reported as not run.\n\n";
    } else if (!run.finished) {
        out += "vmtest has not finished the run; targets it did not run are reported as not "
               "run.\n\n";
    }
    out += details;
    while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') {
        out.pop_back();
    }
    return out;
}

}  // namespace vmtest::reporter_markdown
