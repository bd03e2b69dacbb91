#include "run_events.hpp"

#include <cstdlib>

namespace vmtest::report_testing {

report::RunRecord record(const Events& events) {
    report::RunRecorder recorder;
    for (const auto& event : events) {
        recorder.record(event);
    }
    return recorder.run();
}

const std::string k_subtest_tap = "make: Entering directory '/mnt/vmtest'\n"
                                  "TAP version 13\n"
                                  "1..6\n"
                                  "ok 1 - boots\n"
                                  "# a comment about the next test\n"
                                  "not ok 2 - maps memory\n"
                                  "  ---\n"
                                  "  message: \"expected 4, got 5\"\n"
                                  "  ...\n"
                                  "ok 3 - needs hardware # SKIP no such device\n"
                                  "not ok 4 - future feature # TODO not written yet\n"
                                  "ok 5 - fixed already # todo was broken\n"
                                  "    KTAP version 1\n"
                                  "    # Subtest: bpf\n"
                                  "    1..2\n"
                                  "    ok 1 load\n"
                                  "    ok 2 attach # SKIP no BTF\n"
                                  "ok 6 bpf\n";

nlohmann::json run_started(const std::vector<std::string>& targets) {
    return {{"type", "run_started"}, {"targets", targets}};
}

nlohmann::json target_started(const std::string& target, int index) {
    return {{"type", "target_started"}, {"target", target}, {"index", index}};
}

nlohmann::json output(const std::string& target, const std::string& data,
                      const std::string& stream) {
    // As the event bus does it: bytes that are not UTF-8 become U+FFFD in
    // the JSON text; here they stay raw, which the reporters must survive.
    return {{"type", "output"}, {"target", target}, {"stream", stream}, {"data", data}};
}

nlohmann::json passed(const std::string& target, double duration_s) {
    return {{"type", "target_finished"}, {"target", target},   {"result", "pass"},
            {"duration_s", duration_s},   {"exit_code", 0},     {"boot_log", "/state/" + target},
            {"boot_log_tail", nlohmann::json::array()}};
}

nlohmann::json failed(const std::string& target, int exit_code, double duration_s) {
    nlohmann::json event = passed(target, duration_s);
    event["result"] = "fail";
    event["exit_code"] = exit_code;
    return event;
}

nlohmann::json errored(const std::string& target, const std::string& error,
                       const std::vector<std::string>& boot_log_tail, double duration_s,
                       const std::string& error_kind) {
    return {{"type", "target_finished"}, {"target", target}, {"result", "error"},
            {"duration_s", duration_s},   {"error", error},   {"boot_log", "/state/" + target},
            {"boot_log_tail", boot_log_tail}, {"error_kind", error_kind}};
}

nlohmann::json not_run(const std::string& target) {
    return {{"type", "target_finished"}, {"target", target},
            {"result", "not_run"},       {"duration_s", 0},
            {"boot_log", ""},            {"boot_log_tail", nlohmann::json::array()},
            {"error", "not run: interrupted"}};
}

nlohmann::json run_finished(bool interrupted) {
    return {{"type", "run_finished"}, {"passed", 0},       {"failed", 0},
            {"errors", 0},            {"not_run", 0},      {"interrupted", interrupted}};
}

void add_target(Events& events, const std::string& target, int index,
                const std::string& stdout_text, const nlohmann::json& finished) {
    events.push_back(target_started(target, index));
    events.push_back({{"type", "stage"}, {"target", target}, {"stage", "booting"},
                      {"label", "Booting"}});
    if (!stdout_text.empty()) {
        events.push_back(output(target, stdout_text));
    }
    events.push_back(finished);
}

Events sample_run() {
    Events events{run_started(
        {"passes", "fails", "tap subtests", "times out", k_hostile_name, "never ran"})};
    add_target(events, "passes", 0, "hello\n", passed("passes"));
    events.push_back(target_started("fails", 1));
    events.push_back(output("fails", "to stdout\n"));
    events.push_back(output("fails", "to stderr\n", "stderr"));
    events.push_back(failed("fails", 7));
    add_target(events, "tap subtests", 2, k_subtest_tap, failed("tap subtests", 1));
    add_target(events, "times out", 3, "started\n",
               errored("times out", "timed out after 2 s running the command",
                       {"[    0.000000] Linux version 6.1", "vmtest-init: running"}, 3,
                       "timeout"));
    add_target(events, k_hostile_name, 4, k_hostile_output, passed(k_hostile_name));
    events.push_back(not_run("never ran"));
    events.push_back(run_finished(true));
    return events;
}

}  // namespace vmtest::report_testing
