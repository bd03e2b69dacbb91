// How much of the host parallel targets may use: its CPUs and the memory it
// has available, read once when the run starts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace vmtest::run {

// What QEMU itself needs beside the guest's RAM (its code, the TCG
// translation cache, device buffers, the share's helper): counted on top of
// every target's `vm.memory` when deciding whether it fits beside the others.
inline constexpr std::uint64_t k_vm_overhead_bytes = 256ull << 20;

// The guest RAM a target is assumed to need when -j picks the number of
// jobs itself: vm.memory's default.
inline constexpr std::uint64_t k_default_guest_bytes = 4ull << 30;

struct HostCapacity {
    unsigned cpus = 1;                 // CPUs vmtest may run on (its affinity mask)
    std::uint64_t available_bytes = 0; // MemAvailable
};

// MemAvailable from the text of /proc/meminfo, in bytes; none when the
// text has no such line or it is not a number of kB.
std::optional<std::uint64_t> mem_available_bytes(std::string_view meminfo);

// The host's capacity now. Without /proc/meminfo (or a MemAvailable line,
// kernels before 3.14), memory is taken as unlimited: targets then only
// wait for a free job.
HostCapacity read_host_capacity();

// What the memory of a target with `guest_bytes` of RAM counts for.
std::uint64_t memory_cost(std::uint64_t guest_bytes);

// -j without a number: as many jobs as there are CPUs, but no more than the
// default-sized guests (4G plus QEMU's overhead) that fit in the available
// memory; at least 1.
std::size_t automatic_jobs(const HostCapacity& host);

// How many targets run at once: `requested` (-j N, else the file's
// `jobs`), automatic_jobs() for config::k_jobs_auto (-j alone), 1 when
// nothing asked for more.
std::size_t job_count(std::optional<int> requested, const HostCapacity& host);

}  // namespace vmtest::run
