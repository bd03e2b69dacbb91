// What a report says about a run, gathered from the run's events (schema in
// sdk/README.md) as they arrive. Both the JUnit and the TAP reporter render
// this record; it does not know either format.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "output_tail.hpp"
#include "vmtest/sdk/events.hpp"
#include "tap_document.hpp"

namespace vmtest::report {

// Kept per stream and target: a full kernel selftest run fits; a runaway
// loop cannot exhaust memory.
inline constexpr std::size_t k_output_limit = 1024 * 1024;
// Both streams as they interleaved, for "the last lines of output".
inline constexpr std::size_t k_recent_limit = 64 * 1024;

// One phase of a target's time, as target_finished's "phases" has it
// ("boot_s": 3.5 is {"boot_s", 3.5}).
struct PhaseTime {
    std::string name;
    double seconds = 0;

    bool operator==(const PhaseTime&) const = default;
};

struct TargetRecord {
    std::string name;
    bool started = false;
    bool finished = false;
    std::string result;  // pass, fail, error, not_run: as target_finished said
    double duration_s = 0;
    // In run order (setup_s, boot_s, command_s, shutdown_s), the ones the
    // target reached; empty from a vmtest before ABI 1.2.
    std::vector<PhaseTime> phases;
    std::optional<int> exit_code;
    int signal = 0;
    std::string error;
    // As target_finished said; "infrastructure" from a vmtest before 1.1,
    // which did not say.
    std::string error_kind;
    std::string boot_log;
    std::vector<std::string> boot_log_tail;
    std::string started_at;  // local time, "2024-05-01T12:00:00"
    std::string kernel_release;  // "" from a vmtest before ABI 1.3, or when unknown
    OutputTail stdout_tail{k_output_limit};
    OutputTail stderr_tail{k_output_limit};
    OutputTail recent{k_recent_limit};
    tap::TapDocument tap;  // stdout read as TAP, once the target finished
};

struct RunRecord {
    std::vector<TargetRecord> targets;
    bool finished = false;  // run_finished arrived
    bool interrupted = false;
};

// How a report shows a target, also one the run never finished (vmtest
// stopped half-way): started ones as errors, the others as not run.
std::string report_outcome(const TargetRecord& target);
// One line saying why a target did not pass; "" when it passed.
std::string failure_line(const TargetRecord& target, const RunRecord& run);
// The TAP the target printed, if it is consistent enough to report test
// point by test point.
const tap::TapDocument* usable_tap(const TargetRecord& target);

// What kind of infrastructure error ended a target, for machine readers:
// the event's error_kind (timeout, kernel_panic, ..., infrastructure),
// not_run for a target that never ran, interrupted for one the run never
// finished.
std::string error_kind(const TargetRecord& target);
// The last `count` lines of both output streams as they interleaved,
// sanitised.
std::string recent_lines(const TargetRecord& target, std::size_t count);
// What `tail` kept, sanitised, after a note saying how much it did not.
std::string kept_output(const OutputTail& tail);

class RunRecorder {
  public:
    // Events of unknown types, and members of unexpected types, are
    // ignored: a newer vmtest must not break an older reporter.
    void record(const nlohmann::json& event);
    void record(const sdk::Event& event);
    const RunRecord& run() const { return m_run; }

  private:
    TargetRecord& target(const std::string& name);

    RunRecord m_run;
};

}  // namespace vmtest::report
