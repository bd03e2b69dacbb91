#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "plugin_host/typed_plugins.hpp"
#include "run/phase_timer.hpp"
#include "vmtest/sdk/bytes.hpp"

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
};

// Fans run events out to every reporter. Events are JSON documents (schema
// in sdk/README.md); a reporter that fails is reported once and dropped, so
// one broken reporter cannot stop the run or the others.
class EventBus {
  public:
    void add(std::unique_ptr<plugin_host::ReporterPlugin> reporter);

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
    // Lets every reporter flush and close its report. False when one could
    // not, or one was dropped during the run (each is reported in one line):
    // a run with a missing report must not pass for good.
    bool finish();

  private:
    void publish(const nlohmann::json& event);
    void publish_output(const std::string& target, vmtest_stream stream, std::string_view bytes,
                        std::string text);

    std::vector<std::unique_ptr<plugin_host::ReporterPlugin>> m_reporters;
    bool m_reporter_dropped = false;
    // Per target and stream: the text decoder carrying split characters.
    std::map<std::pair<std::string, vmtest_stream>, sdk::Utf8Stream> m_output_text;
};

}  // namespace vmtest::run
