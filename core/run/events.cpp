#include "run/events.hpp"

#include <optional>
#include <variant>

#include <spdlog/spdlog.h>

namespace vmtest::run {

const char* stage_name(Stage stage) {
    switch (stage) {
    case Stage::preparing:
        return "preparing";
    case Stage::booting:
        return "booting";
    case Stage::connecting:
        return "connecting";
    case Stage::running:
        return "running";
    case Stage::stopping:
        return "stopping";
    }
    return "unknown";
}

const char* stage_label(Stage stage) {
    switch (stage) {
    case Stage::preparing:
        return "Preparing";
    case Stage::booting:
        return "Booting";
    case Stage::connecting:
        return "Setting up VM";
    case Stage::running:
        return "Running command";
    case Stage::stopping:
        return "Shutting down";
    }
    return "unknown";
}

const char* outcome_name(Outcome outcome) {
    switch (outcome) {
    case Outcome::pass:
        return "pass";
    case Outcome::fail:
        return "fail";
    case Outcome::error:
        return "error";
    case Outcome::not_run:
        return "not_run";
    }
    return "error";
}

namespace {

// target_finished's "phases" (since ABI 1.2): only the phases reached.
std::optional<sdk::Phases> phases_event(const PhaseDurations& durations) {
    if (!durations.setup_s && !durations.boot_s && !durations.command_s && !durations.shutdown_s) {
        return std::nullopt;
    }
    sdk::Phases phases;
    phases.setup_s = durations.setup_s;
    phases.boot_s = durations.boot_s;
    phases.command_s = durations.command_s;
    phases.shutdown_s = durations.shutdown_s;
    return phases;
}

// The target an event is about; none for the run's own events.
const std::string* target_of(const sdk::Event& event) {
    return std::visit(
        [](const auto& alternative) -> const std::string* {
            if constexpr (requires { alternative.target; }) {
                return &alternative.target;
            } else {
                return nullptr;
            }
        },
        event);
}

}  // namespace

void EventBus::add(std::unique_ptr<plugin_host::ReporterPlugin> reporter) {
    std::lock_guard lock(m_mutex);
    m_reporters.push_back(std::move(reporter));
}

void EventBus::hold_target_events() {
    std::lock_guard lock(m_mutex);
    m_holding = true;
}

// A target's events go to its block while holding; the run's own events
// (run_started, run_finished) go out at once: run_finished comes after every
// target's block was handed over, as each target ends before it.
void EventBus::publish(const sdk::Event& event) {
    const std::string* target = target_of(event);
    if (!m_holding || target == nullptr) {
        deliver(sdk::event_to_json(event));
        return;
    }
    HeldTarget& held = m_held[*target];
    if (std::holds_alternative<sdk::TargetStarted>(event)) {
        held.started = true;
        held.started_at = Clock::now();
    } else if (const auto* stage = std::get_if<sdk::Stage>(&event)) {
        held.stage = stage->stage;
        held.label = stage->label;
    } else if (const auto* finished = std::get_if<sdk::TargetFinished>(&event)) {
        held.finished = true;
        held.result = finished->result;
        held.ran_for = held.started ? Clock::now() - held.started_at : Clock::duration{};
    }
    held.events.push_back(sdk::event_to_json(event));
    if (held.finished) {
        hand_over_finished();
    }
    if (!std::holds_alternative<sdk::Output>(event)) {
        publish_progress();
    }
}

// Hands over, in run_started's order, every finished target whose
// predecessors were all handed over.
void EventBus::hand_over_finished() {
    while (m_handed_over < m_order.size()) {
        const auto held = m_held.find(m_order[m_handed_over]);
        if (held == m_held.end() || !held->second.finished) {
            return;
        }
        for (const auto& event : held->second.events) {
            deliver(event);
        }
        m_held.erase(held);
        ++m_handed_over;
    }
}

void EventBus::progress() {
    std::lock_guard lock(m_mutex);
    if (m_holding) {
        publish_progress();
    }
}

void EventBus::publish_progress() {
    sdk::Progress progress;
    const auto now = Clock::now();
    for (std::size_t i = m_handed_over; i < m_order.size(); ++i) {
        const auto held = m_held.find(m_order[i]);
        if (held == m_held.end() || !held->second.started) {
            continue;
        }
        const HeldTarget& target = held->second;
        const auto elapsed = target.finished ? target.ran_for : now - target.started_at;
        sdk::ProgressTarget& entry = progress.targets.emplace_back();
        entry.target = m_order[i];
        entry.stage = target.stage;
        entry.label = target.label;
        entry.elapsed_s = std::chrono::duration<double>(elapsed).count();
        if (target.finished) {
            entry.result = target.result;
        }
    }
    deliver(sdk::event_to_json(progress), true);
}

// `progress` is new in ABI 1.2: reporters built for 1.0 or 1.1 never see it
// (one may count events, or not expect a type it does not know).
constexpr std::uint32_t k_progress_since_minor = 2;

void EventBus::deliver(const nlohmann::json& event, bool progress) {
    for (auto it = m_reporters.begin(); it != m_reporters.end();) {
        if (progress &&
            (*it)->instance().library().descriptor().abi_minor < k_progress_since_minor) {
            ++it;
            continue;
        }
        try {
            (*it)->event(event);
            ++it;
        } catch (const std::exception& e) {
            spdlog::error("{} failed and is dropped: {}", (*it)->instance().label(), e.what());
            it = m_reporters.erase(it);
            m_reporter_dropped = true;
        }
    }
}

void EventBus::run_started(const std::vector<std::string>& targets) {
    std::lock_guard lock(m_mutex);
    m_order = targets;
    publish(sdk::RunStarted{targets});
}

void EventBus::target_started(const std::string& target, std::size_t index) {
    std::lock_guard lock(m_mutex);
    // When it really started: with -j its event may reach reporters later,
    // after the targets before it finished.
    publish(sdk::TargetStarted{target, index, sdk::local_timestamp_now()});
}

void EventBus::stage(const std::string& target, Stage stage) {
    std::lock_guard lock(m_mutex);
    publish(sdk::Stage{target, stage_name(stage), stage_label(stage)});
}

void EventBus::output(const std::string& target, vmtest_stream stream, std::string_view data) {
    std::lock_guard lock(m_mutex);
    publish_output(target, stream, data, m_output_text[{target, stream}].push(data));
}

void EventBus::publish_output(const std::string& target, vmtest_stream stream,
                              std::string_view bytes, std::string text) {
    publish(sdk::Output::chunk(target, stream == VMTEST_STREAM_STDERR ? "stderr" : "stdout",
                               bytes, std::move(text)));
}

void EventBus::target_finished(const TargetResult& result) {
    std::lock_guard lock(m_mutex);
    for (auto it = m_output_text.begin(); it != m_output_text.end();) {
        if (it->first.first != result.name) {
            ++it;
            continue;
        }
        if (std::string rest = it->second.finish(); !rest.empty()) {
            publish_output(result.name, it->first.second, {}, std::move(rest));
        }
        it = m_output_text.erase(it);
    }
    sdk::TargetFinished event;
    event.target = result.name;
    event.result = outcome_name(result.outcome);
    event.duration_s = result.duration_s;
    event.boot_log = result.boot_log;
    event.boot_log_tail = result.boot_log_tail;
    if (result.outcome == Outcome::pass || result.outcome == Outcome::fail) {
        event.exit_code = result.exit_code;
        if (result.signal) {
            event.signal = result.signal;
        }
    }
    if (!result.error.empty()) {
        event.error = result.error;
    }
    if (!result.error_kind.empty()) {
        event.error_kind = result.error_kind;
    }
    event.phases = phases_event(result.phases);
    if (!result.kernel_release.empty()) {
        event.kernel_release = result.kernel_release;
    }
    publish(event);
}

void EventBus::run_finished(const std::vector<TargetResult>& results, bool interrupted) {
    std::lock_guard lock(m_mutex);
    // Every target has ended by now; a block still held (a target that
    // never reported its end) is not lost, it goes out in order.
    for (; m_handed_over < m_order.size(); ++m_handed_over) {
        if (const auto held = m_held.find(m_order[m_handed_over]); held != m_held.end()) {
            for (const auto& event : held->second.events) {
                deliver(event);
            }
            m_held.erase(held);
        }
    }
    sdk::RunFinished counts;
    counts.interrupted = interrupted;
    for (const auto& result : results) {
        switch (result.outcome) {
        case Outcome::pass:
            ++counts.passed;
            break;
        case Outcome::fail:
            ++counts.failed;
            break;
        case Outcome::error:
            ++counts.errors;
            break;
        case Outcome::not_run:
            ++counts.not_run;
            break;
        }
    }
    publish(counts);
}

bool EventBus::finish() {
    std::lock_guard lock(m_mutex);
    bool all_finished = !m_reporter_dropped;
    for (auto& reporter : m_reporters) {
        try {
            reporter->finish();
        } catch (const std::exception& e) {
            spdlog::error("{} could not finish its report: {}", reporter->instance().label(),
                          e.what());
            all_finished = false;
        }
    }
    return all_finished;
}

}  // namespace vmtest::run
