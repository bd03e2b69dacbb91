#include "power.hpp"

#include "console_log.hpp"

#include <cerrno>
#include <csignal>
#include <ctime>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

namespace vmtest::boot::init {

namespace {

constexpr long k_term_grace_ms = 1000;
constexpr long k_poll_interval_ms = 10;

long now_ms() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

void sleep_ms(long ms) {
    timespec delay{ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&delay, nullptr);
}

// Reaps exited children until none are left or the deadline passes.
// True when no children remain.
bool reap_until(long deadline_ms) {
    for (;;) {
        pid_t pid = ::waitpid(-1, nullptr, WNOHANG);
        if (pid < 0 && errno == ECHILD) {
            return true;
        }
        if (pid > 0) {
            continue;
        }
        if (now_ms() >= deadline_ms) {
            return false;
        }
        sleep_ms(k_poll_interval_ms);
    }
}

}  // namespace

void power_off_now() {
    ::sync();
    ::reboot(RB_POWER_OFF);
    // Only reached if the kernel refused; a reboot request still ends the VM
    // when QEMU runs with -no-reboot.
    ::reboot(RB_AUTOBOOT);
    for (;;) {
        ::pause();
    }
}

void shut_down() {
    log_debug("sending SIGTERM to all processes");
    ::kill(-1, SIGTERM);
    if (!reap_until(now_ms() + k_term_grace_ms)) {
        log_debug("sending SIGKILL to remaining processes");
        ::kill(-1, SIGKILL);
        reap_until(now_ms() + k_term_grace_ms);
    }
    log_info("powering off");
    power_off_now();
}

}  // namespace vmtest::boot::init
