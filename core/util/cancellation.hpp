#pragma once

namespace vmtest::util {

// Ctrl-C and SIGTERM do not kill vmtest: they set a flag that every wait
// loop polls, so VMs and helper processes are torn down on the way out.
// A second signal while tearing down is still honoured, only sooner.
void install_cancellation_handlers();

// True once SIGINT, SIGTERM or SIGHUP arrived.
bool cancellation_requested();

// The signal that cancelled the run (0 if none): the exit status becomes
// 128 + signal, as a shell expects.
int cancellation_signal();

}  // namespace vmtest::util
