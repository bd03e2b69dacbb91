#include "run/phase_timer.hpp"

#include <cstdio>

namespace vmtest::run {

std::string describe(const PhaseDurations& phases) {
    std::string text;
    const auto add = [&text](const char* name, const std::optional<double>& seconds) {
        if (!seconds) {
            return;
        }
        char value[32];
        std::snprintf(value, sizeof value, "%.3f", *seconds);
        text += std::string(text.empty() ? "" : ", ") + name + " " + value + " s";
    };
    add("setup", phases.setup_s);
    add("boot", phases.boot_s);
    add("command", phases.command_s);
    add("shutdown", phases.shutdown_s);
    return text;
}

PhaseTimer::PhaseTimer(Clock::time_point start) : m_since(start) {}

std::optional<double>& PhaseTimer::slot(Phase phase) {
    switch (phase) {
    case Phase::setup:
        return m_durations.setup_s;
    case Phase::boot:
        return m_durations.boot_s;
    case Phase::command:
        return m_durations.command_s;
    case Phase::shutdown:
        break;
    }
    return m_durations.shutdown_s;
}

void PhaseTimer::begin(Phase phase, Clock::time_point now) {
    if (phase == m_current) {
        return;
    }
    slot(m_current) = std::chrono::duration<double>(now - m_since).count();
    m_current = phase;
    m_since = now;
}

PhaseDurations PhaseTimer::finish(Clock::time_point end) {
    slot(m_current) = std::chrono::duration<double>(end - m_since).count();
    m_since = end;
    return m_durations;
}

}  // namespace vmtest::run
