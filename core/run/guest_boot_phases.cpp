#include "run/guest_boot_phases.hpp"

#include <charconv>
#include <cstdio>

#include "boot/init_phase_line.hpp"

namespace vmtest::run {

namespace {

bool is_name_character(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// "<name> <seconds>" after the prefix, nothing else but a trailing '\r'.
bool parse_phase(std::string_view rest, GuestBootPhase& phase) {
    if (!rest.empty() && rest.back() == '\r') {
        rest.remove_suffix(1);
    }
    const auto space = rest.find(' ');
    if (space == 0 || space == std::string_view::npos) {
        return false;
    }
    const std::string_view name = rest.substr(0, space);
    for (const char c : name) {
        if (!is_name_character(c)) {
            return false;
        }
    }
    const std::string_view number = rest.substr(space + 1);
    double seconds = 0;
    const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(),
                                              seconds, std::chars_format::fixed);
    if (number.empty() || error != std::errc{} || end != number.data() + number.size()) {
        return false;
    }
    phase = {std::string(name), seconds};
    return true;
}

}  // namespace

std::vector<GuestBootPhase> guest_boot_phases(std::string_view console) {
    const std::string_view prefix = boot::k_init_phase_prefix;
    std::vector<GuestBootPhase> phases;
    std::size_t start = 0;
    while (start < console.size()) {
        auto end = console.find('\n', start);
        if (end == std::string_view::npos) {
            end = console.size();  // the last line, maybe cut short: parsed if whole
        }
        const std::string_view line = console.substr(start, end - start);
        // Anywhere in the line: a kernel message may have started it.
        if (const auto at = line.find(prefix); at != std::string_view::npos) {
            GuestBootPhase phase;
            if (parse_phase(line.substr(at + prefix.size()), phase)) {
                phases.push_back(std::move(phase));
            }
        }
        start = end + 1;
    }
    return phases;
}

std::string describe(const std::vector<GuestBootPhase>& phases) {
    std::string text;
    for (const auto& phase : phases) {
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.3f", phase.seconds);
        text += (text.empty() ? "" : ", ") + phase.name + " " + seconds + " s";
    }
    return text;
}

}  // namespace vmtest::run
