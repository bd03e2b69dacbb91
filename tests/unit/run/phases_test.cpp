// Where a target's time goes: the phase timer, the "phases" member of
// target_finished (schema in sdk/README.md), and the guest init's boot
// steps read back from a console log.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "run/events.hpp"
#include "run/guest_boot_phases.hpp"
#include "run/phase_timer.hpp"

namespace vmtest::run {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using Clock = PhaseTimer::Clock;

TEST(PhaseTimer, PhasesAreConsecutiveAndAddUpToTheWhole) {
    const auto start = Clock::time_point{} + 100s;
    PhaseTimer timer(start);
    timer.begin(Phase::boot, start + 1500ms);
    timer.begin(Phase::command, start + 4s);
    timer.begin(Phase::shutdown, start + 4250ms);
    const auto phases = timer.finish(start + 5s);
    EXPECT_EQ(phases, (PhaseDurations{1.5, 2.5, 0.25, 0.75}));
    EXPECT_DOUBLE_EQ(*phases.setup_s + *phases.boot_s + *phases.command_s + *phases.shutdown_s,
                     5.0);
    EXPECT_EQ(describe(phases), "setup 1.500 s, boot 2.500 s, command 0.250 s, shutdown 0.750 s");
}

// A boot that failed: no command phase at all (not a zero), and the way
// out from the failure on is the shutdown.
TEST(PhaseTimer, PhasesNotReachedAreAbsent) {
    const auto start = Clock::time_point{};
    PhaseTimer timer(start);
    timer.begin(Phase::boot, start + 1s);
    timer.begin(Phase::shutdown, start + 3s);
    const auto phases = timer.finish(start + 3500ms);
    EXPECT_EQ(phases, (PhaseDurations{1.0, 2.0, std::nullopt, 0.5}));
    EXPECT_EQ(describe(phases), "setup 1.000 s, boot 2.000 s, shutdown 0.500 s");

    PhaseTimer setup_only(start);
    EXPECT_EQ(setup_only.finish(start + 2s), (PhaseDurations{2.0, {}, {}, {}}));
}

TEST(PhaseTimer, BeginningTheCurrentPhaseAgainChangesNothing) {
    const auto start = Clock::time_point{};
    PhaseTimer timer(start);
    timer.begin(Phase::boot, start + 1s);
    timer.begin(Phase::shutdown, start + 2s);
    timer.begin(Phase::shutdown, start + 3s);  // a failure during power-off
    EXPECT_EQ(timer.current(), Phase::shutdown);
    EXPECT_EQ(timer.finish(start + 4s), (PhaseDurations{1.0, 1.0, {}, 2.0}));
}

class PhaseEventsTest : public ::testing::Test {
  protected:
    ~PhaseEventsTest() override { std::filesystem::remove_all(m_dir); }

    nlohmann::json finished_event(const TargetResult& result) {
        std::filesystem::create_directories(m_dir);
        EventBus bus;
        bus.add(std::make_unique<plugin_host::ReporterPlugin>(
            std::make_unique<plugin_host::PluginInstance>(
                plugin_host::PluginLibrary::load(std::filesystem::path(VMTEST_TEST_PLUGIN_DIR) /
                                                 "test-recording.so"),
                nlohmann::json{{"path", (m_dir / "events").string()}, {"whole", true}},
                plugin_host::HostCallbacks{})));
        bus.target_finished(result);
        bus.finish();
        std::ifstream in(m_dir / "events");
        std::string line;
        std::getline(in, line);
        return nlohmann::json::parse(line);
    }

    std::filesystem::path m_dir = std::filesystem::temp_directory_path() /
                                  ("vmtest-phase-events-" + std::to_string(::getpid()));
};

TEST_F(PhaseEventsTest, TargetFinishedCarriesThePhasesReached) {
    TargetResult result;
    result.name = "t";
    result.outcome = Outcome::error;
    result.duration_s = 3.5;
    result.phases = {1.0, 2.0, std::nullopt, 0.5};
    const auto event = finished_event(result);
    EXPECT_EQ(event["phases"],
              (nlohmann::json{{"setup_s", 1.0}, {"boot_s", 2.0}, {"shutdown_s", 0.5}}));
}

// A target that never started (Ctrl-C before it) has no phases at all.
TEST_F(PhaseEventsTest, NoPhasesNoMember) {
    TargetResult result;
    result.name = "t";
    EXPECT_FALSE(finished_event(result).contains("phases"));
}

TEST(GuestBootPhases, ReadsThePhaseLinesInOrder) {
    const std::string console =
        "[    0.000000] Linux version 6.x\n"
        "vmtest-init: [1.101] starting\n"
        "vmtest-init: phase init_started 1.102\n"
        "vmtest-init: phase modules_loaded 1.250\r\n"
        "[    1.300000] 9pnet: Installing 9P2000 support\n"
        // A kernel message the init's line was appended to.
        "[    1.4] virtio_net virtio1: something vmtest-init: phase root_mounted 1.400\n"
        "vmtest-init: phase agent_started 2.000";  // last line, no newline yet
    EXPECT_THAT(guest_boot_phases(console),
                ElementsAre(GuestBootPhase{"init_started", 1.102},
                            GuestBootPhase{"modules_loaded", 1.25},
                            GuestBootPhase{"root_mounted", 1.4},
                            GuestBootPhase{"agent_started", 2.0}));
    EXPECT_EQ(describe(guest_boot_phases(console)),
              "init_started 1.102 s, modules_loaded 1.250 s, root_mounted 1.400 s, "
              "agent_started 2.000 s");
}

TEST(GuestBootPhases, SkipsLinesThatOnlyLookLikeOne) {
    EXPECT_TRUE(guest_boot_phases("").empty());
    EXPECT_TRUE(guest_boot_phases("vmtest-init: phase \n"
                                  "vmtest-init: phase name\n"
                                  "vmtest-init: phase name \n"
                                  "vmtest-init: phase name x\n"
                                  "vmtest-init: phase name 1.5 extra\n"
                                  "vmtest-init: phase Na-me 1.5\n"
                                  "vmtest-init: phase  1.5\n"
                                  "vmtest-init: phased 1.5\n")
                    .empty());
    EXPECT_EQ(describe(std::vector<GuestBootPhase>{}), "");
}

}  // namespace
}  // namespace vmtest::run
