// Moves command output from the host ends of the guest's output ports to a
// sink as it arrives, in whatever chunks the sockets deliver.
#pragma once

#include <chrono>
#include <functional>
#include <string_view>
#include <vector>

#include "vmtest/plugin-support/deadline.hpp"
#include "vmtest/plugin-support/unix_socket.hpp"
#include "vmtest/sdk/plugin.h"

namespace vmtest::runner_qga {

class OutputPump {
  public:
    using Sink = std::function<void(vmtest_stream stream, std::string_view data)>;
    struct Source {
        vmtest_stream stream;
        protocol::UnixSocket* socket;  // not owned; must outlive the pump
    };

    OutputPump(Sink sink, std::vector<Source> sources);

    // Forwards output for `duration`. Throws protocol::CancelledError once
    // `should_stop` says so (asked at least every 100 ms).
    void pump_for(std::chrono::milliseconds duration, const protocol::StopPredicate& should_stop);

    // Forwards output until no source delivered anything for `quiet`, or
    // `limit` passed, or `should_stop` says so - whichever comes first.
    // Never throws CancelledError: the caller already has its result.
    void drain(std::chrono::milliseconds quiet, std::chrono::milliseconds limit,
               const protocol::StopPredicate& should_stop);

  private:
    // One poll() of up to `timeout_ms` over the open sources; forwards what
    // arrived and returns whether anything did.
    bool pump_once(int timeout_ms);

    Sink m_sink;
    std::vector<Source> m_sources;
    std::vector<bool> m_ended;  // per source: end of stream seen
};

}  // namespace vmtest::runner_qga
