// The json report: the document scripts read, checked against the schema
// sdk/README.md documents, and valid JSON for any bytes a command prints.
#include <fstream>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../../support/markdown_members.hpp"
#include "../../support/report_consumers.hpp"
#include "../../support/run_events.hpp"
#include "json_reporter.hpp"
#include "json_writer.hpp"
#include "vmtest/sdk/testing/fake_host.hpp"

namespace vmtest::reporter_json {
namespace {

using namespace report_testing;
using test_support::Members;
using test_support::expect_same_members;
using ::testing::HasSubstr;

const std::string k_splat_text =
    "[   12.000001] <user.warn> WARNING: CPU: 0 PID: 1 at fake.c:1 f+0x0/0x1\n"
    "[   12.000004] <user.warn> ---[ end trace 0000000000000000 ]---";

// A target that passed its command but whose kernel logged a splat, as
// vmtest 1.3 reports it.
nlohmann::json splat_failure(const std::string& target) {
    nlohmann::json event = passed(target);
    event["result"] = "fail";
    event["error"] =
        "the guest kernel logged a splat: WARNING: CPU: 0 PID: 1 at fake.c:1 f+0x0/0x1";
    event["error_kind"] = "kernel_splat";
    event["kernel_release"] = "6.1.0-test";
    event["dmesg"] = "/state/" + target + ".dmesg";
    event["phases"] = {{"setup_s", 0.5}, {"boot_s", 3.0}, {"command_s", 0.25}, {"shutdown_s", 0.5}};
    event["splats"] = {{{"kind", "warning"},
                        {"title", "WARNING: CPU: 0 PID: 1 at fake.c:1 f+0x0/0x1"},
                        {"text", k_splat_text}}};
    return event;
}

// sample_run() (every outcome, TAP subtests, hostile text) and a splat.
Events rich_run() {
    Events events = sample_run();
    events.front()["vmtest_version"] = "0.1.0";
    events.front()["targets"].push_back("splats");
    events.front()["targets"].push_back("bad tap");
    events.insert(events.end() - 1, target_started("splats", 6));
    events.insert(events.end() - 1, output("splats", "ok\n"));
    events.insert(events.end() - 1, splat_failure("splats"));
    events.insert(events.end() - 1, target_started("bad tap", 7));
    events.insert(events.end() - 1, output("bad tap", "TAP version 13\n1..3\nok 1\n"));
    nlohmann::json killed = failed("bad tap", 137);
    killed["signal"] = 9;
    events.insert(events.end() - 1, killed);
    return events;
}

nlohmann::json parse_strictly(const std::string& text) {
    // nlohmann's parser refuses invalid UTF-8 in strings: it checks that too.
    return nlohmann::json::parse(text);
}

// object name ("document", "target", ...) -> the members the README lists.
std::map<std::string, Members> documented_objects() {
    return test_support::documented_table(VMTEST_SDK_README, "| object | members |");
}

// The members written, by object: a nested plain object's as
// "parent.child"; targets, splats and subtests (lists of their own
// objects) under their own names.
void collect(const std::string& object, const nlohmann::ordered_json& json,
             std::map<std::string, Members>& written) {
    static const std::map<std::string, std::string> k_lists = {
        {"targets", "target"}, {"splats", "splat"}, {"subtests", "subtest"}};
    for (const auto& [name, value] : json.items()) {
        written[object].insert(name);
        if (const auto list = k_lists.find(name); list != k_lists.end()) {
            for (const auto& element : value) {
                collect(list->second, element, written);
            }
        } else if (value.is_object()) {
            for (const auto& [child, _] : value.items()) {
                written[object].insert(name + "." + child);
            }
        }
    }
}

TEST(JsonReport, TheReadmeTableListsExactlyTheMembersWritten) {
    const auto documented = documented_objects();
    ASSERT_FALSE(documented.empty()) << "no '| object | members |' table in " << VMTEST_SDK_README;
    std::map<std::string, Members> written;
    collect("document", json_report(record(rich_run())), written);
    // What only an older host's events lack, or only a report cut short has.
    expect_same_members(documented, written, "the report");
}

TEST(JsonReport, SaysWhatEachTargetDid) {
    const auto document = parse_strictly(render_json(record(rich_run())));
    EXPECT_EQ(document["schema"], 1);
    EXPECT_EQ(document["vmtest_version"], "0.1.0");
    EXPECT_EQ(document["complete"], true);
    EXPECT_EQ(document["interrupted"], true);
    EXPECT_EQ(document["counts"],
              (nlohmann::json{{"pass", 2}, {"fail", 4}, {"error", 1}, {"not_run", 1}}));
    const auto& targets = document["targets"];
    ASSERT_EQ(targets.size(), 8u);
    EXPECT_EQ(targets[0]["result"], "pass");
    EXPECT_FALSE(targets[0].contains("error"));
    EXPECT_EQ(targets[1]["error"], "command exited with status 7");
    EXPECT_FALSE(targets[1].contains("error_kind"));
    EXPECT_EQ(targets[3]["error_kind"], "timeout");
    EXPECT_EQ(targets[5]["error_kind"], "not_run");

    const auto& splats = targets[6];
    EXPECT_EQ(splats["result"], "fail");
    EXPECT_EQ(splats["error_kind"], "kernel_splat");
    EXPECT_EQ(splats["kernel_release"], "6.1.0-test");
    EXPECT_EQ(splats["dmesg"], "/state/splats.dmesg");
    EXPECT_EQ(splats["boot_log"], "/state/splats");
    EXPECT_EQ(splats["phases"]["boot_s"], 3.0);
    ASSERT_EQ(splats["splats"].size(), 1u);
    EXPECT_EQ(splats["splats"][0]["kind"], "warning");
    EXPECT_EQ(splats["splats"][0]["text"], k_splat_text);

    const auto& tap = targets[2]["subtests"];
    ASSERT_EQ(tap.size(), 6u);
    EXPECT_EQ(tap[1]["result"], "fail");
    EXPECT_EQ(tap[2]["result"], "skip");
    EXPECT_EQ(tap[2]["reason"], "no such device");
    EXPECT_EQ(tap[3]["result"], "todo_failed");
    EXPECT_EQ(tap[5]["subtests"][1]["name"], "attach");
    EXPECT_EQ(tap[5]["subtests"][1]["result"], "skip");
    EXPECT_THAT(targets[7]["tap_problem"].get<std::string>(), HasSubstr("plan"));
    EXPECT_EQ(targets[7]["signal"], 9);
}

TEST(JsonReport, AnyBytesTheCommandPrintsGiveValidJson) {
    // Every byte value, invalid UTF-8 sequences, a character cut in two,
    // escapes and NUL, in output, in a subtest's name and in a SKIP reason;
    // the event's own strings raw too, as a broken host might send them.
    std::string every_byte;
    for (int byte = 0; byte < 256; ++byte) {
        every_byte += static_cast<char>(byte);
    }
    const std::string bad = "\xff\xfe \xc3\x28 \xe2\x82 \xed\xa0\x80 \x1b[31m\x00 end";
    Events events{run_started({"bytes", bad})};
    add_target(events, "bytes", 0,
               "TAP version 13\n1..2\nok 1 - caf\xc3 " + bad + "\nok 2 - x # SKIP " + bad + "\n" +
                   every_byte,
               failed("bytes", 1));
    nlohmann::json broken = failed(bad, 2);
    broken["error"] = bad;
    broken["boot_log"] = "/state/\xff\xfe";
    add_target(events, bad, 1, every_byte, broken);
    events.push_back(run_finished(false));

    const std::string text = render_json(record(events));
    nlohmann::json document;
    ASSERT_NO_THROW(document = parse_strictly(text)) << text;
    const auto& subtests = document["targets"][0]["subtests"];
    ASSERT_EQ(subtests.size(), 2u);
    EXPECT_THAT(subtests[0]["name"].get<std::string>(), HasSubstr("caf\xEF\xBF\xBD"));
    EXPECT_THAT(subtests[1]["reason"].get<std::string>(), HasSubstr("\xEF\xBF\xBD"));
    EXPECT_THAT(document["targets"][1]["boot_log"].get<std::string>(), HasSubstr("\xEF\xBF\xBD"));
    // And a JSON reader outside the process agrees.
    TempDir dir;
    const auto file = dir.path() / "report.json";
    std::ofstream(file, std::ios::binary) << text;
    const auto python = run_tool({"python3", "-c",
                                  "import json,sys; json.load(open(sys.argv[1], encoding='utf-8'))",
                                  file.string()});
    if (python.status != -1) {
        EXPECT_EQ(python.status, 0) << python.output;
    }
}

TEST(JsonReport, ARunCutShortIsIncompleteAndItsTargetsAreNotPasses) {
    Events events{run_started({"running", "waiting"})};
    events.push_back(target_started("running", 0));
    const auto document = parse_strictly(render_json(record(events)));
    EXPECT_EQ(document["complete"], false);
    EXPECT_EQ(document["targets"][0]["result"], "error");
    EXPECT_EQ(document["targets"][0]["error_kind"], "interrupted");
    EXPECT_EQ(document["targets"][1]["result"], "not_run");
    EXPECT_FALSE(document.contains("vmtest_version"));  // an older vmtest's events
}

TEST(JsonReport, TheReporterWritesTheDocumentToItsFile) {
    TempDir dir;
    const auto file = dir.path() / "out" / "results.json";
    sdk::testing::FakeHost host;
    JsonReporter reporter(host.host(), {{"path", file.string()}});
    for (const auto& event : rich_run()) {
        reporter.event(event);
    }
    reporter.finish();
    std::ifstream in(file);
    const auto document = nlohmann::json::parse(in);
    EXPECT_EQ(document["targets"].size(), 8u);
}

}  // namespace
}  // namespace vmtest::reporter_json
