#include "console_log.hpp"

#include "boot/init_phase_line.hpp"
#include "power.hpp"

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>

namespace vmtest::boot::init {

namespace {

bool g_debug = false;

void write_line(const char* label, const char* format, va_list args) {
    char line[2048];
    int used = 0;
    // FATAL and WARNING lines keep a fixed prefix the host can match.
    if (g_debug && label[0] == '\0') {
        // Seconds since boot, to see where boot time goes.
        timespec now{};
        clock_gettime(CLOCK_BOOTTIME, &now);
        used = std::snprintf(line, sizeof(line), "vmtest-init: [%ld.%03ld] ", static_cast<long>(now.tv_sec),
                             now.tv_nsec / 1000000);
    } else {
        used = std::snprintf(line, sizeof(line), "vmtest-init: %s", label);
    }
    if (used < 0) {
        return;
    }
    int room = static_cast<int>(sizeof(line)) - used - 1;
    int body = std::vsnprintf(line + used, static_cast<std::size_t>(room + 1), format, args);
    if (body < 0) {
        body = 0;
    }
    used += body < room ? body : room;
    // Keep it one line even if a value contained a newline.
    for (int i = 0; i < used; ++i) {
        if (line[i] == '\n' || line[i] == '\r') {
            line[i] = ' ';
        }
    }
    line[used++] = '\n';
    const char* cursor = line;
    while (used > 0) {
        ssize_t n = ::write(STDERR_FILENO, cursor, static_cast<std::size_t>(used));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return;
        }
        cursor += n;
        used -= static_cast<int>(n);
    }
}

}  // namespace

void set_debug_logging(bool enabled) { g_debug = enabled; }

bool debug_logging() { return g_debug; }

void ensure_console() {
    if (::fcntl(STDERR_FILENO, F_GETFD) >= 0) {
        return;
    }
    int fd = ::open("/dev/console", O_RDWR | O_NOCTTY);
    if (fd < 0) {
        return;  // nowhere to log to; carry on silently
    }
    for (int target = 0; target <= 2; ++target) {
        if (fd != target) {
            ::dup2(fd, target);
        }
    }
    if (fd > 2) {
        ::close(fd);
    }
}

void log_info(const char* format, ...) {
    va_list args;
    va_start(args, format);
    write_line("", format, args);
    va_end(args);
}

void log_phase(const char* name) {
    if (!g_debug) {
        return;
    }
    timespec now{};
    clock_gettime(CLOCK_BOOTTIME, &now);
    char line[256];
    const int used = std::snprintf(line, sizeof(line), "%s%s %ld.%03ld\n", k_init_phase_prefix,
                                   name, static_cast<long>(now.tv_sec), now.tv_nsec / 1000000);
    if (used > 0 && used < static_cast<int>(sizeof(line))) {
        // One write, so the line cannot interleave with the kernel's.
        while (::write(STDERR_FILENO, line, static_cast<std::size_t>(used)) < 0 && errno == EINTR) {
        }
    }
}

void log_debug(const char* format, ...) {
    if (!g_debug) {
        return;
    }
    va_list args;
    va_start(args, format);
    write_line("", format, args);
    va_end(args);
}

void log_warning(const char* format, ...) {
    va_list args;
    va_start(args, format);
    write_line("WARNING: ", format, args);
    va_end(args);
}

void fatal(const char* format, ...) {
    va_list args;
    va_start(args, format);
    write_line("FATAL: ", format, args);
    va_end(args);
    power_off_now();
}

}  // namespace vmtest::boot::init
