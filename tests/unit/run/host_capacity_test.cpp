// What -j may use of the host: MemAvailable read from /proc/meminfo's text,
// and the job count -j alone picks.
#include <gtest/gtest.h>

#include "config/cli_options.hpp"
#include "run/host_capacity.hpp"

namespace vmtest::run {
namespace {

constexpr std::uint64_t k_gib = 1ull << 30;

TEST(HostCapacity, ReadsMemAvailableInBytes) {
    EXPECT_EQ(mem_available_bytes("MemTotal:       24684092 kB\n"
                                  "MemFree:         1000000 kB\n"
                                  "MemAvailable:   22921028 kB\n"
                                  "Buffers:          123 kB\n"),
              22921028ull * 1024);
    EXPECT_EQ(mem_available_bytes("MemAvailable: 1 kB"), 1024u) << "last line, no newline";
}

TEST(HostCapacity, NoOrABadMemAvailableLineIsNone) {
    EXPECT_EQ(mem_available_bytes("MemTotal: 100 kB\nMemFree: 50 kB\n"), std::nullopt);
    EXPECT_EQ(mem_available_bytes("MemAvailable: lots\n"), std::nullopt);
    EXPECT_EQ(mem_available_bytes("MemAvailable: 100 MB\n"), std::nullopt);
    EXPECT_EQ(mem_available_bytes("MemAvailable: 99999999999999999999999 kB\n"), std::nullopt);
    EXPECT_EQ(mem_available_bytes(""), std::nullopt);
}

TEST(HostCapacity, TheRealHostHasCpusAndMemory) {
    const auto host = read_host_capacity();
    EXPECT_GE(host.cpus, 1u);
    EXPECT_GT(host.available_bytes, 0u);
}

TEST(HostCapacity, AutomaticJobsAreTheCpusCappedByDefaultSizedGuestsThatFit) {
    const std::uint64_t guest = memory_cost(k_default_guest_bytes);
    EXPECT_EQ(guest, 4 * k_gib + k_vm_overhead_bytes);
    EXPECT_EQ(automatic_jobs({8, 100 * k_gib}), 8u) << "memory for 23, 8 CPUs";
    EXPECT_EQ(automatic_jobs({8, 3 * guest}), 3u) << "8 CPUs, memory for 3";
    EXPECT_EQ(automatic_jobs({8, 3 * guest - 1}), 2u);
    EXPECT_EQ(automatic_jobs({8, k_gib}), 1u) << "at least one, as today";
    EXPECT_EQ(automatic_jobs({1, 100 * k_gib}), 1u);
}

TEST(HostCapacity, JobCountIsOneUnlessAskedFor) {
    const HostCapacity host{4, 100 * k_gib};
    EXPECT_EQ(job_count(std::nullopt, host), 1u);
    EXPECT_EQ(job_count(3, host), 3u);
    EXPECT_EQ(job_count(16, host), 16u) << "an explicit count is taken as given";
    EXPECT_EQ(job_count(config::k_jobs_auto, host), 4u);
}

}  // namespace
}  // namespace vmtest::run
