#include "network.hpp"

#include "console_log.hpp"

#include <cerrno>
#include <cstring>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace vmtest::boot::init {

void bring_up_loopback() {
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        log_warning("cannot bring up lo: socket: %s", std::strerror(errno));
        return;
    }
    ifreq request{};
    std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    if (::ioctl(fd, SIOCGIFFLAGS, &request) != 0) {
        log_warning("cannot bring up lo: %s", std::strerror(errno));
    } else {
        request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP | IFF_RUNNING);
        if (::ioctl(fd, SIOCSIFFLAGS, &request) != 0) {
            log_warning("cannot bring up lo: %s", std::strerror(errno));
        }
    }
    ::close(fd);
}

void set_hostname(const std::string& name) {
    if (::sethostname(name.c_str(), name.size()) != 0) {
        log_warning("cannot set the hostname to '%s': %s", name.c_str(), std::strerror(errno));
    }
}

}  // namespace vmtest::boot::init
