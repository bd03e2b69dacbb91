#include "run_record.hpp"

#include <algorithm>
#include <ctime>

#include "tap_parser.hpp"
#include "text_sanitizer.hpp"

namespace vmtest::report {

namespace {

std::string string_member(const nlohmann::json& event, const char* key) {
    const auto it = event.find(key);
    return it != event.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<double> number_member(const nlohmann::json& event, const char* key) {
    const auto it = event.find(key);
    return it != event.end() && it->is_number() ? std::optional(it->get<double>()) : std::nullopt;
}

std::optional<int> int_member(const nlohmann::json& event, const char* key) {
    const auto it = event.find(key);
    return it != event.end() && it->is_number_integer() ? std::optional(it->get<int>())
                                                        : std::nullopt;
}

bool bool_member(const nlohmann::json& event, const char* key) {
    const auto it = event.find(key);
    return it != event.end() && it->is_boolean() && it->get<bool>();
}

std::vector<std::string> strings_member(const nlohmann::json& event, const char* key) {
    std::vector<std::string> strings;
    const auto it = event.find(key);
    if (it != event.end() && it->is_array()) {
        for (const auto& item : *it) {
            if (item.is_string()) {
                strings.push_back(item.get<std::string>());
            }
        }
    }
    return strings;
}

std::vector<PhaseTime> phases_member(const nlohmann::json& event) {
    std::vector<PhaseTime> phases;
    const auto it = event.find("phases");
    if (it == event.end() || !it->is_object()) {
        return phases;
    }
    // Only the phases this reporter knows: their names become report keys.
    for (const char* name : {"setup_s", "boot_s", "command_s", "shutdown_s"}) {
        if (const auto seconds = number_member(*it, name)) {
            phases.push_back({name, *seconds});
        }
    }
    return phases;
}

std::string local_time_now() {
    const std::time_t now = std::time(nullptr);
    std::tm parts{};
    localtime_r(&now, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
    return text;
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
    if (!target.error_kind.empty()) {
        return target.error_kind;
    }
    // Events from a vmtest without `error_kind`: read the message instead
    // (wording of core/run/vm_watch.cpp).
    const std::string& error = target.error;
    if (error.rfind("timed out", 0) == 0) {
        return "timeout";
    }
    if (error.find("kernel panicked") != std::string::npos) {
        return "kernel_panic";
    }
    if (error.rfind("interrupted", 0) == 0) {
        return "interrupted";
    }
    if (error.find("exited unexpectedly") != std::string::npos) {
        return "vm_exit";
    }
    return "infrastructure";
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

void RunRecorder::record(const nlohmann::json& event) {
    if (!event.is_object()) {
        return;
    }
    const std::string type = string_member(event, "type");
    if (type == "run_started") {
        for (const auto& name : strings_member(event, "targets")) {
            target(name);
        }
    } else if (type == "target_started") {
        TargetRecord& record = target(string_member(event, "target"));
        record.started = true;
        // Since 1.2 the event says when the target started (with -j it can
        // arrive well after); an older host's does not.
        record.started_at = string_member(event, "started_at");
        if (record.started_at.empty()) {
            record.started_at = local_time_now();
        }
    } else if (type == "output") {
        TargetRecord& record = target(string_member(event, "target"));
        const std::string data = string_member(event, "data");
        (string_member(event, "stream") == "stderr" ? record.stderr_tail : record.stdout_tail)
            .append(data);
        record.recent.append(data);
    } else if (type == "target_finished") {
        TargetRecord& record = target(string_member(event, "target"));
        record.finished = true;
        record.result = string_member(event, "result");
        record.duration_s = number_member(event, "duration_s").value_or(0);
        record.phases = phases_member(event);
        record.exit_code = int_member(event, "exit_code");
        record.signal = int_member(event, "signal").value_or(0);
        record.error = string_member(event, "error");
        record.error_kind = string_member(event, "error_kind");
        record.boot_log = string_member(event, "boot_log");
        record.boot_log_tail = strings_member(event, "boot_log_tail");
        record.stdout_tail.shrink();
        record.stderr_tail.shrink();
        record.recent.shrink();
        if (!record.stdout_tail.empty()) {
            record.tap = tap::parse_tap(sanitize_text(record.stdout_tail.text()));
        }
    } else if (type == "run_finished") {
        m_run.finished = true;
        m_run.interrupted = bool_member(event, "interrupted");
    }
}

}  // namespace vmtest::report
