// The guest init's boot steps, read back from the console log: with -v the
// init prints "vmtest-init: phase <name> <seconds>" at each of them
// (boot/init_phase_line.hpp), and the host shows them so that the cost of a
// boot is visible (how long the kernel took to reach the init, the modules,
// the shares, the agent).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vmtest::run {

struct GuestBootPhase {
    std::string name;       // "init_started", "modules_loaded", ...
    double seconds = 0;     // since the guest kernel started

    bool operator==(const GuestBootPhase&) const = default;
};

// The phase lines of `console` (the whole console log), in order. Lines
// that only look like one (cut short, no number) are skipped.
std::vector<GuestBootPhase> guest_boot_phases(std::string_view console);

// "init_started 1.204 s, modules_loaded 1.310 s, ..."; "" for none.
std::string describe(const std::vector<GuestBootPhase>& phases);

}  // namespace vmtest::run
