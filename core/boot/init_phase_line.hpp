#pragma once

// The console line the guest init prints at each step of its boot when the
// host asked for debug logging (init.conf `log debug`, vmtest -v):
//
//   vmtest-init: phase <name> <seconds>
//
// <seconds> is CLOCK_BOOTTIME, the time since the guest kernel started,
// with three decimals. The host reads these lines back from the console
// log to show where a boot's time goes. Compiled into the init as well, so
// both sides agree on the prefix by construction.

namespace vmtest::boot {

inline constexpr const char* k_init_phase_prefix = "vmtest-init: phase ";

}  // namespace vmtest::boot
