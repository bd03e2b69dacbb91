#include "run/console_verdict.hpp"

#include <cstring>

namespace vmtest::run {

namespace {

constexpr const char* k_panic = "Kernel panic - not syncing";
constexpr const char* k_early_exception = "PANIC: early exception";
constexpr const char* k_initramfs_failed = "Initramfs unpacking failed";
constexpr const char* k_decompressor_halted = "-- System halted";
constexpr const char* k_init_fatal = "vmtest-init: FATAL: ";

}  // namespace

std::optional<ConsoleProblem> console_problem(const std::string& line,
                                              const std::string& previous) {
    if (const auto at = line.find(k_panic); at != std::string::npos) {
        return ConsoleProblem{"kernel_panic", "the guest kernel panicked: " + line.substr(at)};
    }
    if (const auto at = line.find(k_early_exception); at != std::string::npos) {
        return ConsoleProblem{"kernel_panic",
                              "the guest kernel panicked early in its boot: " + line.substr(at)};
    }
    if (const auto at = line.find(k_initramfs_failed); at != std::string::npos) {
        return ConsoleProblem{"boot_failed",
                              "the guest kernel could not start vmtest's init: " + line.substr(at)};
    }
    if (line.find(k_decompressor_halted) != std::string::npos) {
        return ConsoleProblem{"boot_failed",
                              "the guest kernel could not decompress itself: " +
                                  (previous.empty() ? std::string("System halted") : previous)};
    }
    if (const auto at = line.find(k_init_fatal); at != std::string::npos) {
        return ConsoleProblem{"init_failed",
                              "the guest's init failed: " + line.substr(at + strlen(k_init_fatal))};
    }
    return std::nullopt;
}

}  // namespace vmtest::run
