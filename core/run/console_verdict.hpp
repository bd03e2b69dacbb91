#pragma once

#include <optional>
#include <string>

namespace vmtest::run {

// A line on the guest's console after which it will never answer.
struct ConsoleProblem {
    std::string kind;     // error_kind: "kernel_panic", "boot_failed", "init_failed"
    std::string message;  // one line for the user, quoting the console
};

// Whether console `line` (without its newline; possibly still unterminated)
// shows a dead guest. `previous` is the last non-empty line before it, for
// messages that only end a report. Every pattern is one the guest prints on
// its way to halting for good, never on a boot that is only slow:
//  - "Kernel panic - not syncing" (the kernel's panic(); also out of memory
//    during boot, no init, root not mounted),
//  - "PANIC: early exception" (x86, a fault before panic() can run),
//  - "Initramfs unpacking failed" (vmtest's init is in it: the boot cannot
//    go on; too little memory shows this way too),
//  - "-- System halted" (the bzImage decompressor gave up; it printed why
//    on the line before, and halts without a newline),
//  - "vmtest-init: FATAL: " (vmtest's own init; it powers off next).
std::optional<ConsoleProblem> console_problem(const std::string& line, const std::string& previous);

}  // namespace vmtest::run
