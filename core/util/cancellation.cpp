#include "util/cancellation.hpp"

#include <atomic>
#include <csignal>

namespace vmtest::util {

namespace {

std::atomic<int> g_signal{0};

extern "C" void on_signal(int signal) { g_signal.store(signal); }

}  // namespace

void install_cancellation_handlers() {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    // No SA_RESTART: a blocking poll() returns EINTR and notices at once.
    for (int signal : {SIGINT, SIGTERM, SIGHUP}) {
        sigaction(signal, &action, nullptr);
    }
    // Writing to a socket whose peer (QEMU) died must fail with EPIPE, not kill us.
    std::signal(SIGPIPE, SIG_IGN);
}

bool cancellation_requested() { return g_signal.load() != 0; }

int cancellation_signal() { return g_signal.load(); }

}  // namespace vmtest::util
