// Time limits shared by every wait in the protocol layer. Nothing here may
// block forever: every wait takes an absolute deadline, and waits that can
// be long also take a stop predicate asked at least every
// k_stop_poll_interval, so Ctrl-C or a dead VM ends them promptly.
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace vmtest::protocol {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

// True once the caller wants the current wait abandoned. May be empty
// (never stop). Must be cheap: it is called in every poll slice.
using StopPredicate = std::function<bool()>;

// Receives debug messages (a plugin passes its host's debug log); empty
// drops them: this library writes nowhere on its own.
using LogSink = std::function<void(const std::string&)>;

inline constexpr std::chrono::milliseconds k_stop_poll_interval{100};

inline Deadline deadline_after(std::chrono::milliseconds duration) {
    return Clock::now() + duration;
}

inline bool stop_requested(const StopPredicate& should_stop) {
    return should_stop && should_stop();
}

// A poll() timeout: the time left until `deadline`, rounded up so a
// sub-millisecond remainder does not spin, capped at `cap`, never negative.
int poll_timeout_ms(Deadline deadline, std::chrono::milliseconds cap);

// Sends `message` to `sink`, if there is one.
void log_debug(const LogSink& sink, const std::string& message);

}  // namespace vmtest::protocol
