#include "boot/embedded_init.hpp"

extern "C" {
// Defined in embedded_init.S.
__attribute__((visibility("hidden"))) extern const std::byte vmtest_embedded_init_start[];
__attribute__((visibility("hidden"))) extern const std::byte vmtest_embedded_init_end[];
}

namespace vmtest::boot {

std::span<const std::byte> embedded_init() {
    return {vmtest_embedded_init_start, vmtest_embedded_init_end};
}

}  // namespace vmtest::boot
