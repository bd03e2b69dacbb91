#include "vmtest/plugin-support/deadline.hpp"

#include <algorithm>

namespace vmtest::protocol {

int poll_timeout_ms(Deadline deadline, std::chrono::milliseconds cap) {
    const auto left = deadline - Clock::now();
    if (left <= Clock::duration::zero()) {
        return 0;
    }
    const auto rounded_up = std::chrono::ceil<std::chrono::milliseconds>(left);
    return static_cast<int>(std::min(rounded_up, cap).count());
}

void log_debug(const LogSink& sink, const std::string& message) {
    if (sink) {
        sink(message);
    }
}

}  // namespace vmtest::protocol
