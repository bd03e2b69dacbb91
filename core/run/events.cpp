#include "run/events.hpp"

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
nlohmann::json phases_json(const PhaseDurations& phases) {
    nlohmann::json json = nlohmann::json::object();
    const std::pair<const char*, const std::optional<double>&> members[] = {
        {"setup_s", phases.setup_s},
        {"boot_s", phases.boot_s},
        {"command_s", phases.command_s},
        {"shutdown_s", phases.shutdown_s}};
    for (const auto& [key, seconds] : members) {
        if (seconds) {
            json[key] = *seconds;
        }
    }
    return json;
}

}  // namespace

void EventBus::add(std::unique_ptr<plugin_host::ReporterPlugin> reporter) {
    m_reporters.push_back(std::move(reporter));
}

void EventBus::publish(const nlohmann::json& event) {
    for (auto it = m_reporters.begin(); it != m_reporters.end();) {
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
    publish({{"type", "run_started"}, {"targets", targets}});
}

void EventBus::target_started(const std::string& target, std::size_t index) {
    publish({{"type", "target_started"}, {"target", target}, {"index", index}});
}

void EventBus::stage(const std::string& target, Stage stage) {
    publish({{"type", "stage"},
             {"target", target},
             {"stage", stage_name(stage)},
             {"label", stage_label(stage)}});
}

void EventBus::output(const std::string& target, vmtest_stream stream, std::string_view data) {
    publish_output(target, stream, data, m_output_text[{target, stream}].push(data));
}

void EventBus::publish_output(const std::string& target, vmtest_stream stream,
                              std::string_view bytes, std::string text) {
    nlohmann::json event{{"type", "output"},
                         {"target", target},
                         {"stream", stream == VMTEST_STREAM_STDERR ? "stderr" : "stdout"}};
    // Only when the text is not the bytes themselves (invalid bytes, or a
    // character split at an edge of the chunk): most output is plain UTF-8,
    // and then base64 would only double what every reporter parses.
    if (text != bytes) {
        event["data_base64"] = sdk::base64_encode(bytes);
    }
    event["data"] = std::move(text);
    publish(event);
}

void EventBus::target_finished(const TargetResult& result) {
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
    nlohmann::json event{{"type", "target_finished"},
                         {"target", result.name},
                         {"result", outcome_name(result.outcome)},
                         {"duration_s", result.duration_s},
                         {"boot_log", result.boot_log},
                         {"boot_log_tail", result.boot_log_tail}};
    if (result.outcome == Outcome::pass || result.outcome == Outcome::fail) {
        event["exit_code"] = result.exit_code;
        if (result.signal) {
            event["signal"] = result.signal;
        }
    }
    if (!result.error.empty()) {
        event["error"] = result.error;
    }
    if (!result.error_kind.empty()) {
        event["error_kind"] = result.error_kind;
    }
    if (auto phases = phases_json(result.phases); !phases.empty()) {
        event["phases"] = std::move(phases);
    }
    publish(event);
}

void EventBus::run_finished(const std::vector<TargetResult>& results, bool interrupted) {
    int passed = 0, failed = 0, errors = 0, not_run = 0;
    for (const auto& result : results) {
        switch (result.outcome) {
        case Outcome::pass:
            ++passed;
            break;
        case Outcome::fail:
            ++failed;
            break;
        case Outcome::error:
            ++errors;
            break;
        case Outcome::not_run:
            ++not_run;
            break;
        }
    }
    publish({{"type", "run_finished"},
             {"passed", passed},
             {"failed", failed},
             {"errors", errors},
             {"not_run", not_run},
             {"interrupted", interrupted}});
}

bool EventBus::finish() {
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
