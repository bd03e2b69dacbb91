// The json report: what scripts read instead of parsing JUnit or TAP.
//
//   {"schema": 1, "vmtest_version": "0.1.0", "complete": true,
//    "interrupted": false, "counts": {"pass": 1, "fail": 1, ...},
//    "targets": [{"name": ..., "result": "fail", "error_kind": "kernel_splat",
//                 "splats": [{"kind": "warning", "title": ..., "text": ...}],
//                 "subtests": [{"name": ..., "result": "skip", ...}], ...}]}
//
// JSON strings are Unicode, not bytes: everything taken from the command's
// output goes through the reporters' sanitiser (text_sanitizer.hpp), which
// makes it valid UTF-8 without control characters, and the document is
// dumped with invalid UTF-8 replaced, so no output can make it invalid.
// Members that do not apply to a target are left out, never null.
#include "json_writer.hpp"

#include <cmath>

#include "text_sanitizer.hpp"

namespace vmtest::reporter_json {

namespace {

using Json = nlohmann::ordered_json;
using report::RunRecord;
using report::TargetRecord;
using tap::TapOutcome;
using tap::TapTestPoint;

constexpr std::size_t k_output_tail_lines = 20;

double seconds(double value) {
    return std::isfinite(value) && value > 0 ? value : 0;
}

const char* outcome_name(TapOutcome outcome) {
    switch (outcome) {
    case TapOutcome::pass:
        return "pass";
    case TapOutcome::fail:
        return "fail";
    case TapOutcome::skip:
        return "skip";
    case TapOutcome::todo_failed:
        return "todo_failed";
    case TapOutcome::todo_passed:
        return "todo_passed";
    }
    return "fail";
}

Json subtests(const std::vector<TapTestPoint>& points) {
    Json list = Json::array();
    for (const auto& point : points) {
        Json test = {
            {"name", report::sanitize_line(point.description.empty() ? point.subtest_name
                                                                     : point.description)},
            {"number", point.number},
            {"result", outcome_name(tap::outcome_of(point))},
        };
        if (!point.reason.empty()) {
            test["reason"] = report::sanitize_line(point.reason);
        }
        if (!point.subtests.empty()) {
            test["subtests"] = subtests(point.subtests);
        }
        list.push_back(std::move(test));
    }
    return list;
}

Json target_json(const TargetRecord& target, const RunRecord& run) {
    const std::string outcome = report::report_outcome(target);
    Json json = {{"name", report::sanitize_line(target.name)}, {"result", outcome}};
    if (outcome != "pass") {
        json["error"] = report::sanitize_line(report::failure_line(target, run));
        if (outcome != "fail" || target.error_kind == "kernel_splat") {
            json["error_kind"] = report::error_kind(target);
        }
    }
    if (target.exit_code) {
        json["exit_code"] = *target.exit_code;
    }
    if (target.signal != 0) {
        json["signal"] = target.signal;
    }
    if (!target.started_at.empty()) {
        json["started_at"] = target.started_at;
    }
    json["duration_s"] = seconds(target.duration_s);
    if (!target.phases.empty()) {
        Json phases = Json::object();
        for (const auto& phase : target.phases) {
            phases[phase.name] = seconds(phase.seconds);
        }
        json["phases"] = std::move(phases);
    }
    if (!target.kernel_release.empty()) {
        json["kernel_release"] = report::sanitize_line(target.kernel_release);
    }
    if (!target.boot_log.empty()) {
        json["boot_log"] = target.boot_log;
    }
    if (!target.dmesg.empty()) {
        json["dmesg"] = target.dmesg;
    }
    if (target.splats) {
        Json splats = Json::array();
        for (const auto& splat : *target.splats) {
            splats.push_back({{"kind", report::sanitize_line(splat.kind)},
                              {"title", report::sanitize_line(splat.title)},
                              {"text", report::sanitize_text(splat.text)}});
        }
        json["splats"] = std::move(splats);
    }
    if (const tap::TapDocument* tap = report::usable_tap(target)) {
        json["subtests"] = subtests(tap->tests);
    } else if (target.tap.looks_like_tap) {
        json["tap_problem"] = report::sanitize_line(target.tap.problem);
    }
    if (outcome != "pass") {
        if (const std::string tail = report::recent_lines(target, k_output_tail_lines);
            !tail.empty()) {
            json["output_tail"] = tail;
        }
    }
    return json;
}

}  // namespace

nlohmann::ordered_json json_report(const RunRecord& run) {
    Json counts = {{"pass", 0}, {"fail", 0}, {"error", 0}, {"not_run", 0}};
    Json targets = Json::array();
    for (const auto& target : run.targets) {
        targets.push_back(target_json(target, run));
        auto& count = counts[report::report_outcome(target)];
        count = count.is_number() ? count.get<int>() + 1 : 1;
    }
    Json document = {{"schema", k_json_report_schema}};
    if (!run.vmtest_version.empty()) {
        document["vmtest_version"] = report::sanitize_line(run.vmtest_version);
    }
    document["complete"] = run.finished;
    document["interrupted"] = run.interrupted;
    document["counts"] = std::move(counts);
    document["targets"] = std::move(targets);
    return document;
}

std::string render_json(const RunRecord& run) {
    return json_report(run).dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace vmtest::reporter_json
