// The typed run events (vmtest/sdk/events.hpp): what they write, and how
// leniently they read what a newer or older vmtest sends.
#include "vmtest/sdk/events.hpp"

#include <gtest/gtest.h>

namespace vmtest::sdk {
namespace {

using nlohmann::json;

TEST(Events, WriteTheirTypeAndLeaveUnsetOptionalMembersOut) {
    TargetFinished finished;
    finished.target = "t";
    finished.result = "pass";
    finished.duration_s = 1.5;
    finished.exit_code = 0;
    EXPECT_EQ(event_to_json(finished),
              json::parse(R"({"type": "target_finished", "target": "t", "result": "pass",
                              "duration_s": 1.5, "exit_code": 0, "boot_log": "",
                              "boot_log_tail": []})"));
    finished.phases = Phases{};
    finished.phases->boot_s = 2.0;
    EXPECT_EQ(event_to_json(finished)["phases"], json::parse(R"({"boot_s": 2.0})"));
    EXPECT_EQ(json(TargetStarted{"t", 3, std::nullopt}),
              json::parse(R"({"type": "target_started", "target": "t", "index": 3})"));
}

TEST(Events, ParseWhatTheyWrite) {
    Progress progress;
    progress.targets.push_back({"a", "running", "Running command", 4.5, std::nullopt});
    progress.targets.push_back({"b", "stopping", "Shutting down", 2.0, "fail"});
    const Event parsed = parse_event(event_to_json(progress));
    const auto* back = std::get_if<Progress>(&parsed);
    ASSERT_NE(back, nullptr);
    ASSERT_EQ(back->targets.size(), 2u);
    EXPECT_EQ(back->targets[0].label, "Running command");
    EXPECT_FALSE(back->targets[0].result);
    EXPECT_EQ(back->targets[1].result, "fail");
    EXPECT_EQ(back->targets[1].elapsed_s, 2.0);
}

TEST(Events, UnknownTypesAndDocumentsThatAreNoEventsAreUnknown) {
    const json newer = {{"type", "coverage"}, {"target", "t"}};
    const Event event = parse_event(newer);
    ASSERT_TRUE(std::holds_alternative<UnknownEvent>(event));
    EXPECT_EQ(std::get<UnknownEvent>(event).type, "coverage");
    EXPECT_EQ(event_to_json(event), newer) << "written back unchanged";
    for (const json& odd : {json::array(), json{{"type", 5}}, json::object(), json("x")}) {
        const Event parsed = parse_event(odd);
        ASSERT_TRUE(std::holds_alternative<UnknownEvent>(parsed)) << odd;
        EXPECT_EQ(std::get<UnknownEvent>(parsed).type, "") << odd;
    }
}

TEST(Events, UnknownMembersAreIgnoredAndMisTypedOnesKeepTheirDefault) {
    const Event event = parse_event(json::parse(R"({
        "type": "target_finished", "target": "t", "result": "fail", "exit_code": "7",
        "duration_s": "long", "boot_log_tail": ["a", 5, "b"], "phases": {"boot_s": 1,
        "warp_s": 2}, "error_kind": null, "from_the_future": {"x": 1}})"));
    const auto& finished = std::get<TargetFinished>(event);
    EXPECT_EQ(finished.result, "fail");
    EXPECT_FALSE(finished.exit_code);
    EXPECT_EQ(finished.duration_s, 0);
    EXPECT_EQ(finished.boot_log_tail, (std::vector<std::string>{"a", "b"}));
    ASSERT_TRUE(finished.phases);
    EXPECT_EQ(finished.phases->boot_s, 1.0);
    EXPECT_FALSE(finished.phases->setup_s);
    EXPECT_FALSE(finished.error_kind);
    const Event negative = parse_event({{"type", "target_started"}, {"index", -1}});
    EXPECT_EQ(std::get<TargetStarted>(negative).index, 0u);
}

TEST(Events, AnErrorWithoutErrorKindIsInfrastructure) {
    const Event before_1_1 = parse_event(
        {{"type", "target_finished"}, {"result", "error"}, {"error", "timed out after 2 s"}});
    EXPECT_EQ(std::get<TargetFinished>(before_1_1).error_kind_or_infrastructure(),
              "infrastructure");
    const Event since_1_1 = parse_event(
        {{"type", "target_finished"}, {"result", "error"}, {"error_kind", "boot_timeout"}});
    EXPECT_EQ(std::get<TargetFinished>(since_1_1).error_kind_or_infrastructure(), "boot_timeout");
}

TEST(Events, OutputCarriesBase64OnlyWhenTheTextIsNotTheBytes) {
    const Output plain = Output::chunk("t", "stdout", "hello\n", "hello\n");
    EXPECT_FALSE(plain.data_base64);
    EXPECT_EQ(plain.bytes(), "hello\n");
    EXPECT_FALSE(json(plain).contains("data_base64"));

    // A character split at the chunk's end: its text holds it back.
    Utf8Stream stream;
    const std::string bytes = "euro \xE2\x82";
    const Output split = Output::chunk("t", "stderr", bytes, stream.push(bytes));
    EXPECT_EQ(split.data, "euro ");
    EXPECT_EQ(split.bytes(), bytes);
    const Event parsed = parse_event(json(split));
    EXPECT_EQ(std::get<Output>(parsed).bytes(), bytes);
    EXPECT_EQ(std::get<Output>(parsed).stream, "stderr");

    Output broken = plain;
    broken.data_base64 = "not base64!";
    EXPECT_THROW(broken.bytes(), std::invalid_argument);
}

}  // namespace
}  // namespace vmtest::sdk
