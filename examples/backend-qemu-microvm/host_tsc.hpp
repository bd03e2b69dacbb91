// What the guest should know about its TSC under TCG.
//
// Under TCG the guest's RDTSC returns the host's TSC, so the guest's TSC
// runs at exactly the host's rate. Telling the guest that rate
// (tsc_early_khz=) skips its early TSC calibration, which times the TSC
// against the emulated PIT and can take very long (or never settle) when
// the emulator's threads are descheduled on a busy host.
//
// microvm has neither HPET nor ACPI PM timer, so a guest that distrusts its
// TSC (Linux does, for a non-Intel CPU with more than one core, which TCG's
// "max" CPU is) falls back to the jiffies clocksource, with a resolution of
// several milliseconds. tsc=reliable keeps it on the TSC: right whenever
// the host's own kernel trusts that TSC.
#pragma once

#include <cstdint>
#include <optional>

namespace microvm {

// The host TSC's rate in kHz: the kernel's own value when it exposes one
// (/sys/devices/system/cpu/cpu0/tsc_freq_khz), else measured here against
// CLOCK_MONOTONIC_RAW over 20 ms. Not /proc/cpuinfo's "cpu MHz": with
// frequency scaling that is the core's current clock, not the TSC's.
// nullopt on a host without a usable TSC (not x86, or a wild measurement).
std::optional<std::uint64_t> host_tsc_khz();

// True when the host's kernel keeps time with the TSC itself (its current
// clocksource is "tsc"): it found it invariant and synchronized across CPUs.
bool host_trusts_tsc();

}  // namespace microvm
