#include "run_record.hpp"

#include <algorithm>

#include "tap_parser.hpp"
#include "text_sanitizer.hpp"

namespace vmtest::report {

namespace {

// In run order (setup_s, boot_s, command_s, shutdown_s), the phases the
// target reached: their names become report keys.
std::vector<PhaseTime> phase_times(const std::optional<sdk::Phases>& phases) {
    std::vector<PhaseTime> times;
    if (phases) {
        sdk::Phases::members(*phases, [&](const char* name, const std::optional<double>& seconds) {
            if (seconds) {
                times.push_back({name, *seconds});
            }
        });
    }
    return times;
}

}  // namespace

std::string report_outcome(const TargetRecord& target) {
    if (target.finished && !target.result.empty()) {
        return target.result;
    }
    return target.started ? "error" : "not_run";
}

std::string failure_line(const TargetRecord& target, const RunRecord& run) {
    const std::string outcome = report_outcome(target);
    if (outcome == "pass") {
        return "";
    }
    if (!target.error.empty()) {
        return target.error;
    }
    if (outcome == "fail") {
        if (target.signal != 0) {
            return "command was killed by signal " + std::to_string(target.signal);
        }
        return "command exited with status " + std::to_string(target.exit_code.value_or(-1));
    }
    if (!target.finished && target.started) {
        return "vmtest stopped while this target ran";
    }
    if (outcome == "not_run") {
        return run.interrupted ? "not run: interrupted" : "not run: vmtest stopped before it";
    }
    return "infrastructure error";
}

std::string error_kind(const TargetRecord& target) {
    const std::string outcome = report_outcome(target);
    if (outcome == "not_run") {
        return "not_run";
    }
    if (!target.finished) {
        return "interrupted";
    }
    return target.error_kind;
}

std::string recent_lines(const TargetRecord& target, std::size_t count) {
    const std::string text = sanitize_text(target.recent.text());
    std::size_t start = text.size();
    // A final newline ends the last line rather than starting another.
    std::size_t end = !text.empty() && text.back() == '\n' ? text.size() - 1 : text.size();
    for (std::size_t lines = 0; lines < count && end > 0; ++lines) {
        const std::size_t newline = text.rfind('\n', end - 1);
        start = newline == std::string::npos ? 0 : newline + 1;
        end = newline == std::string::npos ? 0 : newline;
    }
    return text.substr(std::min(start, text.size()));
}

std::string kept_output(const OutputTail& tail) {
    std::string text = sanitize_text(tail.text());
    if (const std::size_t dropped = tail.dropped(); dropped > 0) {
        text.insert(0, "[vmtest: " + std::to_string(dropped) +
                           " bytes of earlier output were not kept]\n");
    }
    return text;
}

const tap::TapDocument* usable_tap(const TargetRecord& target) {
    return target.finished && target.tap.consistent ? &target.tap : nullptr;
}

TargetRecord& RunRecorder::target(const std::string& name) {
    for (auto& target : m_run.targets) {
        if (target.name == name) {
            return target;
        }
    }
    // A target the run did not announce: keep it all the same.
    m_run.targets.emplace_back();
    m_run.targets.back().name = name;
    return m_run.targets.back();
}

void RunRecorder::record(const nlohmann::json& event) { record(sdk::parse_event(event)); }

void RunRecorder::record(const sdk::Event& event) {
    if (const auto* started = std::get_if<sdk::RunStarted>(&event)) {
        for (const auto& name : started->targets) {
            target(name);
        }
    } else if (const auto* started = std::get_if<sdk::TargetStarted>(&event)) {
        TargetRecord& record = target(started->target);
        record.started = true;
        // Since 1.2 the event says when the target started (with -j it can
        // arrive well after); an older host's does not.
        record.started_at = started->started_at.value_or(sdk::local_timestamp_now());
    } else if (const auto* output = std::get_if<sdk::Output>(&event)) {
        TargetRecord& record = target(output->target);
        (output->stream == "stderr" ? record.stderr_tail : record.stdout_tail).append(output->data);
        record.recent.append(output->data);
    } else if (const auto* finished = std::get_if<sdk::TargetFinished>(&event)) {
        TargetRecord& record = target(finished->target);
        record.finished = true;
        record.result = finished->result;
        record.duration_s = finished->duration_s;
        record.phases = phase_times(finished->phases);
        record.exit_code = finished->exit_code;
        record.signal = finished->signal.value_or(0);
        record.error = finished->error.value_or("");
        record.error_kind = finished->error_kind_or_infrastructure();
        record.boot_log = finished->boot_log;
        record.boot_log_tail = finished->boot_log_tail;
        record.kernel_release = finished->kernel_release.value_or("");
        record.stdout_tail.shrink();
        record.stderr_tail.shrink();
        record.recent.shrink();
        if (!record.stdout_tail.empty()) {
            record.tap = tap::parse_tap(sanitize_text(record.stdout_tail.text()));
        }
    } else if (const auto* finished = std::get_if<sdk::RunFinished>(&event)) {
        m_run.finished = true;
        m_run.interrupted = finished->interrupted;
    }
}

}  // namespace vmtest::report
