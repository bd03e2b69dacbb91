#include "modules.hpp"

#include "console_log.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace vmtest::boot::init {

void load_modules(const std::vector<std::string>& paths) {
    for (const auto& path : paths) {
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            log_warning("cannot open module %s: %s", path.c_str(), std::strerror(errno));
            continue;
        }
        // glibc has no wrapper for finit_module.
        long result = ::syscall(SYS_finit_module, fd, "", 0);
        int error = errno;
        ::close(fd);
        if (result == 0) {
            log_debug("loaded module %s", path.c_str());
        } else if (error == EEXIST) {
            log_debug("module %s was already loaded", path.c_str());
        } else {
            log_warning("cannot load module %s: %s", path.c_str(), std::strerror(error));
        }
    }
}

}  // namespace vmtest::boot::init
