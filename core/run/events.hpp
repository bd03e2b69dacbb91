#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "plugin_host/typed_plugins.hpp"
#include "run/phase_timer.hpp"
#include "vmtest/sdk/bytes.hpp"
#include "vmtest/sdk/events.hpp"

namespace vmtest::run {

// The stages a target goes through, in order, as reporters see them.
enum class Stage { preparing, booting, connecting, running, stopping };
const char* stage_name(Stage stage);   // "booting"
const char* stage_label(Stage stage);  // "Booting"

// How a target ended. `error` is an infrastructure failure (the VM did not
// boot, timed out, panicked), as opposed to `fail`, the command's own
// nonzero exit.
enum class Outcome { pass, fail, error, not_run };
const char* outcome_name(Outcome outcome);

struct TargetResult {
    std::string name;
    Outcome outcome = Outcome::not_run;
    int exit_code = 0;
    int signal = 0;
    std::string error;        // one line, for `error` outcomes
    bool timed_out = false;   // an `error` because a deadline passed
    // For `error`: "boot_timeout", "timeout", "kernel_panic", "init_failed",
    // "boot_failed", "vm_exit", "helper_failed", "interrupted", or
    // "infrastructure" (anything else vmtest hit).
    std::string error_kind;
    double duration_s = 0;
    PhaseDurations phases;    // where duration_s went (phase_timer.hpp)
    std::string boot_log;     // where the guest's console log was saved
    std::vector<std::string> boot_log_tail;  // shown on infrastructure errors
    std::string kernel_release;  // read from the image; "" before that or if unreadable
};

// Fans run events out to every reporter. Events are built as the SDK's types
// (vmtest/sdk/events.hpp, schema in sdk/README.md) and handed over as JSON; a reporter that fails is reported once and dropped, so
// one broken reporter cannot stop the run or the others.
//
// Safe to call from several threads (targets running side by side, -j): one
// mutex serialises every call, so a reporter is never called from two
// threads at once and needs no locking of its own.
class EventBus {
  public:
    void add(std::unique_ptr<plugin_host::ReporterPlugin> reporter);

    // For targets that run side by side: from now on each target's events
    // are held and handed to the reporters as one block when the target
    // finished and every target before it (in run_started's order) was
    // handed over. Reporters thus see exactly the events of a sequential
    // run, in its order; what runs meanwhile they learn from `progress`
    // events (Since 1.2), sent only while holding. Call before run_started.
    void hold_target_events();

    void run_started(const std::vector<std::string>& targets);
    void target_started(const std::string& target, std::size_t index);
    void stage(const std::string& target, Stage stage);
    // A chunk of the command's output, exactly as the runner handed it over.
    // Reporters get its bytes (data_base64) and its text (data): the text
    // holds back a character split at the chunk's end until the next chunk
    // of that target's stream completes it, so it is never corrupted.
    void output(const std::string& target, vmtest_stream stream, std::string_view data);
    // Also ends the target's output streams: a character they left
    // unfinished becomes U+FFFD in a last output event's text.
    void target_finished(const TargetResult& result);
    void run_finished(const std::vector<TargetResult>& results, bool interrupted);
    // While holding: a `progress` event listing the targets started and not
    // yet handed over, with their stage and how long they have been running.
    // Sent by the bus itself when a target starts, changes stage or ends;
    // called about once a second so the elapsed times move.
    void progress();
    // Lets every reporter flush and close its report. False when one could
    // not, or one was dropped during the run (each is reported in one line):
    // a run with a missing report must not pass for good.
    bool finish();

  private:
    using Clock = std::chrono::steady_clock;

    // A target's events while they are held.
    struct HeldTarget {
        std::vector<nlohmann::json> events;
        bool started = false;
        bool finished = false;
        Clock::time_point started_at;
        Clock::duration ran_for{};
        std::string stage;
        std::string label;
        std::string result;
    };

    void publish(const sdk::Event& event);
    void deliver(const nlohmann::json& event, bool progress = false);
    void hand_over_finished();
    void publish_progress();
    void publish_output(const std::string& target, vmtest_stream stream, std::string_view bytes,
                        std::string text);

    std::mutex m_mutex;  // taken by every public member; private ones run under it
    std::vector<std::unique_ptr<plugin_host::ReporterPlugin>> m_reporters;
    bool m_reporter_dropped = false;
    // Per target and stream: the text decoder carrying split characters.
    std::map<std::pair<std::string, vmtest_stream>, sdk::Utf8Stream> m_output_text;

    bool m_holding = false;
    std::vector<std::string> m_order;        // run_started's targets
    std::size_t m_handed_over = 0;           // m_order[0..m_handed_over) are delivered
    std::map<std::string, HeldTarget> m_held;
};

}  // namespace vmtest::run
