// Where a target's time goes: its run cut into consecutive phases, so that
// they add up to the target's duration.
//
//   setup     target start until the backend is started (kernel preparation,
//             initramfs, share helpers)
//   boot      backend start until the runner is connected (the guest agent
//             answered)
//   command   the command's run
//   shutdown  power-off and teardown; after a failure, from the failure on
//
// A phase the target never reached (no command after a failed boot) has no
// duration at all, rather than a zero that would read as "instant".
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace vmtest::run {

enum class Phase { setup, boot, command, shutdown };

// Seconds per phase; nullopt for a phase not reached.
struct PhaseDurations {
    std::optional<double> setup_s;
    std::optional<double> boot_s;
    std::optional<double> command_s;
    std::optional<double> shutdown_s;

    bool operator==(const PhaseDurations&) const = default;
};

// "setup 1.204 s, boot 3.518 s, ...": the phases reached, for a log line.
std::string describe(const PhaseDurations& phases);

class PhaseTimer {
  public:
    using Clock = std::chrono::steady_clock;

    // Starts the setup phase at `start`.
    explicit PhaseTimer(Clock::time_point start);

    // Ends the current phase and starts `phase` at `now`. Moving to the
    // phase already running changes nothing.
    void begin(Phase phase, Clock::time_point now = Clock::now());
    Phase current() const { return m_current; }

    // Ends the current phase at `end`; the durations of all phases reached.
    PhaseDurations finish(Clock::time_point end);

  private:
    std::optional<double>& slot(Phase phase);

    PhaseDurations m_durations;
    Phase m_current = Phase::setup;
    Clock::time_point m_since;
};

}  // namespace vmtest::run
