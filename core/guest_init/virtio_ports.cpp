#include "virtio_ports.hpp"

#include "console_log.hpp"
#include "fs_util.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <unistd.h>

namespace vmtest::boot::init {

namespace {

constexpr const char* k_sysfs_ports = "/sys/class/virtio-ports";
constexpr const char* k_link_dir = "/dev/virtio-ports";
constexpr long k_wait_limit_ms = 5000;
constexpr long k_poll_interval_ms = 10;

long now_ms() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

// Links every port whose name is known by now; returns the names linked.
// A port's sysfs "name" file only appears once the host has named it.
std::vector<std::string> link_named_ports() {
    std::vector<std::string> linked;
    DIR* dir = ::opendir(k_sysfs_ports);
    if (dir == nullptr) {
        return linked;
    }
    while (dirent* entry = ::readdir(dir)) {
        if (std::strncmp(entry->d_name, "vport", 5) != 0) {
            continue;
        }
        std::string name;
        if (!read_text_file(std::string(k_sysfs_ports) + "/" + entry->d_name + "/name", name)) {
            continue;
        }
        while (!name.empty() && (name.back() == '\n' || name.back() == ' ')) {
            name.pop_back();
        }
        if (name.empty() || name.find('/') != std::string::npos) {
            continue;
        }
        std::string link = std::string(k_link_dir) + "/" + name;
        std::string target = std::string("../") + entry->d_name;
        if (::symlink(target.c_str(), link.c_str()) == 0) {
            log_debug("linked %s -> %s", link.c_str(), target.c_str());
        } else if (errno != EEXIST) {
            log_warning("cannot create %s: %s", link.c_str(), std::strerror(errno));
        }
        linked.push_back(name);
    }
    ::closedir(dir);
    return linked;
}

}  // namespace

void link_virtio_ports(const std::vector<std::string>& wanted) {
    if (!make_directories(k_link_dir)) {
        log_warning("cannot create %s: %s", k_link_dir, std::strerror(errno));
        return;
    }
    long deadline = now_ms() + k_wait_limit_ms;
    for (;;) {
        std::vector<std::string> linked = link_named_ports();
        std::string missing;
        for (const auto& name : wanted) {
            if (std::find(linked.begin(), linked.end(), name) == linked.end()) {
                missing += missing.empty() ? "" : ", ";
                missing += name;
            }
        }
        if (missing.empty()) {
            return;
        }
        if (now_ms() >= deadline) {
            log_warning("virtio-serial port(s) %s did not appear within %ld ms", missing.c_str(),
                        k_wait_limit_ms);
            return;
        }
        timespec delay{0, k_poll_interval_ms * 1000000};
        nanosleep(&delay, nullptr);
    }
}

}  // namespace vmtest::boot::init
