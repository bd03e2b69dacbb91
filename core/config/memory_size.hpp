// Checks `vm.memory` up front, so a typo or a size no guest boots with fails
// at load time with a pointer into vmtest.toml, instead of as a QEMU error
// halfway through a run or a boot that hangs until boot_timeout.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace vmtest::config {

// The smallest guest RAM vmtest accepts. Measured with Debian 12's kernel
// (6.1, x86_64), vmtest's initramfs and the default 9p share running
// `true`: 88M boots (with 4 MB free), 80M and 72M panic ("System is
// deadlocked on memory"), 64M panics before the console is up (so the boot
// hangs until boot_timeout), 48M and less make QEMU exit at once. 128M
// leaves a margin for bigger kernels and module sets.
inline constexpr std::uint64_t k_min_memory_bytes = 128ull * 1024 * 1024;
inline constexpr std::string_view k_min_memory_text = "128M";

// The bytes of guest RAM that QEMU's -m gives for `text`, or none when QEMU
// would refuse it. Accepted: a decimal number, an optional fraction and an
// optional one-letter unit (B, K, M, G, T, P, E, either case; binary
// multiples), e.g. "4G", "512M", "2048", "1.5G". Without a unit the number
// is MiB, and then (as with B) a fraction is an error, as in QEMU. Hex and
// QEMU's "size=...,maxmem=..." forms are not accepted.
std::optional<std::uint64_t> memory_size_bytes(std::string_view text);

}  // namespace vmtest::config
