// Finding what kernel CIs treat as failures in a guest kernel's log:
// WARNING, BUG, Oops, general protection faults, KASAN, UBSAN, KFENCE,
// lockdep reports, RCU stalls, hung tasks, soft and hard lockups, refcount_t
// warnings. Each is cut out whole, from its first line (with the "cut here"
// or "=====" line just before it) to the end of its trace.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vmtest/sdk/events.hpp"

namespace vmtest::run {

// The splats in `log`, in order: a <target>.dmesg file's text
// (kernel_log_records.hpp), or plain kernel messages one a line as `dmesg`
// prints them. Only a line's message counts, and only where a splat's
// first line starts: a message that merely mentions "BUG:" in its middle is
// not one. A splat ends at its "---[ end trace ... ]---" line; a KASAN,
// UBSAN or KFENCE report at the "=====" line that closes it; any other at
// the end of its call trace (the indented lines after "Call Trace:"). One
// that never ends is cut after k_max_splat_lines lines or at the next
// splat.
std::vector<sdk::KernelSplat> find_kernel_splats(std::string_view log);

inline constexpr std::size_t k_max_splat_lines = 400;

}  // namespace vmtest::run
