#include "boot/embedded_init.hpp"

#include "boot/boot_error.hpp"

extern "C" {
// Defined in embedded_init.S; an arch whose init was not built has an empty
// range.
#define VMTEST_DECLARE_INIT(arch)                                                                  \
    __attribute__((visibility("hidden"))) extern const std::byte vmtest_init_##arch##_start[];     \
    __attribute__((visibility("hidden"))) extern const std::byte vmtest_init_##arch##_end[];
VMTEST_DECLARE_INIT(x86_64)
VMTEST_DECLARE_INIT(aarch64)
#undef VMTEST_DECLARE_INIT
}

namespace vmtest::boot {

namespace {

struct EmbeddedInit {
    std::string_view arch;
    const std::byte* start;
    const std::byte* end;
    // The Debian packages of the cross compiler that builds it (from CMake:
    // core/guest_init/CMakeLists.txt).
    std::string_view packages;

    [[nodiscard]] std::span<const std::byte> bytes() const { return {start, end}; }
};

const EmbeddedInit k_embedded_inits[] = {
    {"x86_64", vmtest_init_x86_64_start, vmtest_init_x86_64_end, VMTEST_INIT_PACKAGES_x86_64},
    {"aarch64", vmtest_init_aarch64_start, vmtest_init_aarch64_end, VMTEST_INIT_PACKAGES_aarch64},
};

const EmbeddedInit* find_init(std::string_view arch) {
    for (const auto& init : k_embedded_inits) {
        if (init.arch == arch) {
            return &init;
        }
    }
    return nullptr;
}

}  // namespace

std::span<const std::byte> embedded_init(std::string_view arch) {
    const EmbeddedInit* init = find_init(arch);
    if (init == nullptr || init->bytes().empty()) {
        throw BootError(missing_init_message(arch));
    }
    return init->bytes();
}

bool has_embedded_init(std::string_view arch) {
    const EmbeddedInit* init = find_init(arch);
    return init != nullptr && !init->bytes().empty();
}

std::string missing_init_message(std::string_view arch) {
    const EmbeddedInit* init = find_init(arch);
    if (init == nullptr) {
        return "vmtest has no guest init for arch '" + std::string(arch) + "'";
    }
    return "this vmtest was built without a guest init for " + std::string(arch) + ": install " +
           std::string(init->packages) + ", then rebuild vmtest";
}

}  // namespace vmtest::boot
