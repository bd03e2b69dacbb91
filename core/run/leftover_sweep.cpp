#include "run/leftover_sweep.hpp"

#include <spdlog/spdlog.h>

namespace vmtest::run {

namespace {

// Time for an escaped QEMU to quit cleanly on SIGTERM before SIGKILL.
constexpr auto k_grace = std::chrono::milliseconds(2000);

}  // namespace

LeftoverSweep::LeftoverSweep() : m_before(util::descendants()) {}

LeftoverSweep::~LeftoverSweep() {
    try {
        stop();
    } catch (const std::exception& e) {
        spdlog::error("stopping leftover processes: {}", e.what());
    }
}

void LeftoverSweep::stop() {
    if (m_stopped) {
        return;
    }
    m_stopped = true;
    const auto stopped = util::stop_descendants(k_grace, m_before);
    if (stopped.empty()) {
        return;
    }
    std::string names;
    for (const auto& process : stopped) {
        names += (names.empty() ? "" : ", ") + process.name + " (pid " +
                 std::to_string(process.pid) + ")";
    }
    spdlog::warn("stopped {} process{} left running after the VM's teardown: {}", stopped.size(),
                 stopped.size() == 1 ? "" : "es", names);
}

}  // namespace vmtest::run
