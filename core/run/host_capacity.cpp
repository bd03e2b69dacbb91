#include "run/host_capacity.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <sched.h>
#include <thread>

#include "config/cli_options.hpp"
#include "vmtest/plugin-support/text_file.hpp"

namespace vmtest::run {

namespace {

unsigned usable_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0) {
        return static_cast<unsigned>(CPU_COUNT(&set));
    }
    return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

std::optional<std::uint64_t> mem_available_bytes(std::string_view meminfo) {
    constexpr std::string_view k_key = "MemAvailable:";
    std::size_t at = 0;
    while (at < meminfo.size()) {
        std::size_t end = meminfo.find('\n', at);
        if (end == std::string_view::npos) {
            end = meminfo.size();
        }
        std::string_view line = meminfo.substr(at, end - at);
        at = end + 1;
        if (line.substr(0, k_key.size()) != k_key) {
            continue;
        }
        line.remove_prefix(k_key.size());
        line.remove_prefix(std::min(line.find_first_not_of(' '), line.size()));
        std::uint64_t kib = 0;
        const auto [rest, error] = std::from_chars(line.data(), line.data() + line.size(), kib);
        if (error != std::errc{} || std::string_view(rest, line.data() + line.size()) != " kB" ||
            kib > std::numeric_limits<std::uint64_t>::max() / 1024) {
            return std::nullopt;
        }
        return kib * 1024;
    }
    return std::nullopt;
}

HostCapacity read_host_capacity() {
    HostCapacity host;
    host.cpus = usable_cpus();
    host.available_bytes = std::numeric_limits<std::uint64_t>::max();
    try {
        if (auto available = mem_available_bytes(util::read_text_file("/proc/meminfo"))) {
            host.available_bytes = *available;
        }
    } catch (const std::exception&) {
        // No /proc: memory is not what limits the run then.
    }
    return host;
}

std::uint64_t memory_cost(std::uint64_t guest_bytes) {
    return guest_bytes + k_vm_overhead_bytes;
}

std::size_t automatic_jobs(const HostCapacity& host) {
    const std::uint64_t fitting = host.available_bytes / memory_cost(k_default_guest_bytes);
    return static_cast<std::size_t>(
        std::max<std::uint64_t>(1, std::min<std::uint64_t>(host.cpus, fitting)));
}

std::size_t job_count(std::optional<int> requested, const HostCapacity& host) {
    if (!requested) {
        return 1;
    }
    return *requested == config::k_jobs_auto ? automatic_jobs(host)
                                             : static_cast<std::size_t>(*requested);
}

}  // namespace vmtest::run
