#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace vmtest::boot {

// The static vmtest-init executable for guests of `arch` ("x86_64",
// "aarch64": `uname -m`'s names), linked into this library at build time so
// vmtest needs no separate file to find at runtime. Throws BootError with
// missing_init_message(arch) when this build has no init for `arch` (its
// cross compiler was missing when vmtest was built), and for an arch vmtest
// knows nothing of.
[[nodiscard]] std::span<const std::byte> embedded_init(std::string_view arch);

// Whether this build has an init for `arch`.
[[nodiscard]] bool has_embedded_init(std::string_view arch);

// The one line that says a build has no init for `arch`, and how to get one.
[[nodiscard]] std::string missing_init_message(std::string_view arch);

}  // namespace vmtest::boot
