#pragma once

// Logging of the guest init to /dev/console: every line starts with
// "vmtest-init: " so the host can pick the init's lines out of the kernel's.
// Each line goes out in a single write(), so lines from the init and from
// the kernel do not interleave mid-line.

namespace vmtest::boot::init {

void set_debug_logging(bool enabled);
[[nodiscard]] bool debug_logging();

// After devtmpfs is mounted: if the kernel could not give the init a console
// (the initramfs had no /dev/console), open one now.
void ensure_console();

// With debug logging only: "vmtest-init: phase <name> <seconds since the
// kernel started>" (boot/init_phase_line.hpp), for the host's -v breakdown
// of where the boot's time goes.
void log_phase(const char* name);

void log_info(const char* format, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char* format, ...) __attribute__((format(printf, 1, 2)));
void log_warning(const char* format, ...) __attribute__((format(printf, 1, 2)));
// Prints "vmtest-init: FATAL: <message>" and powers the machine off. PID 1
// must never return or exit: the kernel would panic.
[[noreturn]] void fatal(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace vmtest::boot::init
