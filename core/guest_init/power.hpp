#pragma once

namespace vmtest::boot::init {

// Flushes and powers off at once (used after a fatal error, when there is
// nothing worth waiting for).
[[noreturn]] void power_off_now();

// Orderly shutdown: SIGTERM to every process, up to a second for them to
// exit (reaping them), SIGKILL to the rest, sync, power off.
[[noreturn]] void shut_down();

}  // namespace vmtest::boot::init
