#pragma once

#include <cstddef>
#include <span>

namespace vmtest::boot {

// The static vmtest-init executable (core/boot/init), linked into this
// library at build time so vmtest needs no separate file to find at runtime.
[[nodiscard]] std::span<const std::byte> embedded_init();

}  // namespace vmtest::boot
