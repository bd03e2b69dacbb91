#pragma once

#include "agent.hpp"

#include <string>

namespace vmtest::boot::init {

// Blocks SIGCHLD and installs a no-op handler, so the wait loop can sleep in
// ppoll() and be woken exactly when a child exits. Call before forking.
void prepare_child_signals();

// PID 1's last job, never returns: reaps every child; powers off when the
// agent exits or when the host sends "poweroff" on the control port (if
// `control_port` is not empty; "ready\n" is sent on it first).
[[noreturn]] void supervise(const StartedAgent& agent, const std::string& control_port);

}  // namespace vmtest::boot::init
