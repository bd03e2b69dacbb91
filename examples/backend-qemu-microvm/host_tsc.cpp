#include "host_tsc.hpp"

#include <ctime>
#include <fstream>
#include <string>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

namespace microvm {

namespace {

// A TSC below 100 MHz or above 10 GHz is a measurement gone wrong.
constexpr std::uint64_t k_min_khz = 100'000;
constexpr std::uint64_t k_max_khz = 10'000'000;

std::optional<std::uint64_t> plausible(std::uint64_t khz) {
    if (khz < k_min_khz || khz > k_max_khz) {
        return std::nullopt;
    }
    return khz;
}

std::optional<std::uint64_t> kernel_tsc_khz() {
    std::ifstream in("/sys/devices/system/cpu/cpu0/tsc_freq_khz");
    std::uint64_t khz = 0;
    if (in >> khz) {
        return plausible(khz);
    }
    return std::nullopt;
}

std::uint64_t now_ns() {
    timespec t{};
    clock_gettime(CLOCK_MONOTONIC_RAW, &t);
    return static_cast<std::uint64_t>(t.tv_sec) * 1'000'000'000u +
           static_cast<std::uint64_t>(t.tv_nsec);
}

std::optional<std::uint64_t> measured_tsc_khz() {
#if defined(__x86_64__) || defined(__i386__)
    // Each end reads both clocks back to back, so time spent asleep in
    // between counts on both and only the two reads' skew is error (a few
    // ns in 20 ms).
    const std::uint64_t start_ns = now_ns();
    const std::uint64_t start_tsc = __rdtsc();
    const timespec interval{0, 20'000'000};
    nanosleep(&interval, nullptr);
    const std::uint64_t end_tsc = __rdtsc();
    const std::uint64_t elapsed_ns = now_ns() - start_ns;
    if (elapsed_ns == 0) {
        return std::nullopt;
    }
    return plausible((end_tsc - start_tsc) * 1'000'000u / elapsed_ns);
#else
    return std::nullopt;
#endif
}

}  // namespace

bool host_trusts_tsc() {
    std::ifstream in("/sys/devices/system/clocksource/clocksource0/current_clocksource");
    std::string name;
    return in >> name && name == "tsc";
}

std::optional<std::uint64_t> host_tsc_khz() {
    if (auto khz = kernel_tsc_khz()) {
        return khz;
    }
    return measured_tsc_khz();
}

}  // namespace microvm
