#include "mounts.hpp"

#include "console_log.hpp"
#include "fs_util.hpp"

#include <cerrno>
#include <cstring>
#include <string>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace vmtest::boot::init {

namespace {

const char* mode_name(bool read_only) { return read_only ? "ro" : "rw"; }

// mount(2) after creating the mount point; returns 0 or the errno.
int mount_at(const char* source, const std::string& target, const char* fstype,
             unsigned long flags, const char* options) {
    if (!make_directories(target)) {
        return errno;
    }
    if (::mount(source, target.c_str(), fstype, flags, options) != 0) {
        return errno;
    }
    return 0;
}

std::string in_new_root(const std::string& guest_path) {
    if (guest_path.empty() || guest_path.front() != '/') {
        return std::string(k_new_root) + "/" + guest_path;
    }
    return k_new_root + guest_path;
}

std::string joined_hints(const std::vector<std::string>& hints) {
    std::string text;
    for (const auto& hint : hints) {
        text += "; hint: ";
        text += hint;
    }
    return text;
}

struct ApiMount {
    const char* fstype;
    const char* target;
    unsigned long flags;
    const char* options;
    bool required;  // the guest cannot work without it
};

constexpr unsigned long k_nosuid_nodev_noexec = MS_NOSUID | MS_NODEV | MS_NOEXEC;

// Order matters: /dev before /dev/pts, /sys before what lives under it.
constexpr ApiMount k_api_mounts[] = {
    {"proc", "/proc", k_nosuid_nodev_noexec, nullptr, true},
    {"sysfs", "/sys", k_nosuid_nodev_noexec, nullptr, true},
    {"devtmpfs", "/dev", MS_NOSUID, "mode=0755", true},
    {"devpts", "/dev/pts", MS_NOSUID | MS_NOEXEC, "mode=620,ptmxmode=666", false},
    {"tmpfs", "/dev/shm", MS_NOSUID | MS_NODEV, "mode=1777", false},
    {"tmpfs", "/tmp", MS_NOSUID | MS_NODEV, "mode=1777", false},
    {"tmpfs", "/run", MS_NOSUID | MS_NODEV, "mode=0755", false},
};

// Minimal kernels may lack these; that is not an error.
constexpr ApiMount k_optional_mounts[] = {
    {"cgroup2", "/sys/fs/cgroup", k_nosuid_nodev_noexec, nullptr, false},
    {"debugfs", "/sys/kernel/debug", k_nosuid_nodev_noexec, nullptr, false},
    {"tracefs", "/sys/kernel/tracing", k_nosuid_nodev_noexec, nullptr, false},
    {"bpf", "/sys/fs/bpf", k_nosuid_nodev_noexec, "mode=0700", false},
};

}  // namespace

void mount_early_filesystems() {
    // The console is needed for every later message, so devtmpfs comes first.
    int error = mount_at("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
    ensure_console();
    if (error != 0) {
        fatal("cannot mount devtmpfs on /dev: %s", std::strerror(error));
    }
    if ((error = mount_at("proc", "/proc", "proc", k_nosuid_nodev_noexec, nullptr)) != 0) {
        fatal("cannot mount proc on /proc: %s", std::strerror(error));
    }
    if ((error = mount_at("sysfs", "/sys", "sysfs", k_nosuid_nodev_noexec, nullptr)) != 0) {
        fatal("cannot mount sysfs on /sys: %s", std::strerror(error));
    }
}

void mount_root(const InitRootMount& root, const std::vector<std::string>& hints) {
    const char* options = root.options.empty() ? nullptr : root.options.c_str();
    std::string hint_text = joined_hints(hints);
    if (!root.read_only) {
        int error = mount_at(root.source.c_str(), k_new_root, root.fstype.c_str(), 0, options);
        if (error != 0) {
            fatal("cannot mount the root share: %s '%s' (options '%s', rw) on %s: %s%s",
                  root.fstype.c_str(), root.source.c_str(), root.options.c_str(), k_new_root,
                  std::strerror(error), hint_text.c_str());
        }
        log_debug("mounted %s '%s' read-write as the root", root.fstype.c_str(), root.source.c_str());
        return;
    }

    int error = mount_at(root.source.c_str(), "/lower", root.fstype.c_str(), MS_RDONLY, options);
    if (error != 0) {
        fatal("cannot mount the root share: %s '%s' (options '%s', ro) on /lower: %s%s",
              root.fstype.c_str(), root.source.c_str(), root.options.c_str(),
              std::strerror(error), hint_text.c_str());
    }
    error = mount_at("tmpfs", "/rw", "tmpfs", 0, "mode=0755");
    if (error == 0 && (!make_directories("/rw/upper") || !make_directories("/rw/work"))) {
        error = errno;
    }
    if (error == 0) {
        error = mount_at("overlay", k_new_root, "overlay", 0,
                         "lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work");
    }
    if (error == 0) {
        log_debug("mounted %s '%s' read-only under a tmpfs overlay as the root",
                  root.fstype.c_str(), root.source.c_str());
        return;
    }
    log_warning("cannot mount an overlay on the root share (%s); the root stays read-only, only "
                "/tmp, /run and /dev/shm are writable",
                std::strerror(error));
    if (::mount("/lower", k_new_root, nullptr, MS_MOVE, nullptr) != 0) {
        fatal("cannot move the root share from /lower to %s: %s", k_new_root, std::strerror(errno));
    }
}

void mount_api_filesystems() {
    for (const ApiMount& api : k_api_mounts) {
        std::string target = in_new_root(api.target);
        int error = mount_at(api.fstype, target, api.fstype, api.flags, api.options);
        if (error == 0) {
            continue;
        }
        if (api.required) {
            fatal("cannot mount %s on %s in the guest's root: %s", api.fstype, api.target,
                  std::strerror(error));
        }
        log_warning("cannot mount %s on %s: %s", api.fstype, api.target, std::strerror(error));
    }
    for (const ApiMount& api : k_optional_mounts) {
        std::string target = in_new_root(api.target);
        int error = mount_at(api.fstype, target, api.fstype, api.flags, api.options);
        if (error != 0) {
            log_debug("not mounting %s on %s: %s", api.fstype, api.target, std::strerror(error));
        }
    }
    // udev (absent here) makes these; shells need /dev/fd for process
    // substitution, scripts use /dev/stdin and friends.
    constexpr std::pair<const char*, const char*> k_dev_links[] = {
        {"/dev/fd", "/proc/self/fd"},
        {"/dev/stdin", "/proc/self/fd/0"},
        {"/dev/stdout", "/proc/self/fd/1"},
        {"/dev/stderr", "/proc/self/fd/2"},
        {"/dev/core", "/proc/kcore"},
    };
    for (const auto& [link, target] : k_dev_links) {
        if (::symlink(target, in_new_root(link).c_str()) != 0 && errno != EEXIST) {
            log_debug("cannot link %s -> %s: %s", link, target, std::strerror(errno));
        }
    }
}

void mount_extra_shares(const std::vector<InitMount>& mounts) {
    for (const InitMount& share : mounts) {
        std::string target = in_new_root(share.guest_path);
        const char* options = share.options.empty() ? nullptr : share.options.c_str();
        int error = mount_at(share.source.c_str(), target, share.fstype.c_str(),
                             share.read_only ? MS_RDONLY : 0, options);
        if (error != 0) {
            fatal("cannot mount %s '%s' (options '%s', %s) on %s: %s", share.fstype.c_str(),
                  share.source.c_str(), share.options.c_str(), mode_name(share.read_only),
                  share.guest_path.c_str(), std::strerror(error));
        }
        log_debug("mounted %s '%s' on %s (%s)", share.fstype.c_str(), share.source.c_str(),
                  share.guest_path.c_str(), mode_name(share.read_only));
    }
}

void bind_mounts(const std::vector<InitBind>& binds) {
    for (const InitBind& bind : binds) {
        std::string source = in_new_root(bind.source);
        std::string target = in_new_root(bind.destination);
        struct stat info {};
        if (::stat(source.c_str(), &info) != 0) {
            fatal("cannot bind-mount %s on %s: %s: %s", bind.source.c_str(),
                  bind.destination.c_str(), bind.source.c_str(), std::strerror(errno));
        }
        bool made = false;
        if (S_ISDIR(info.st_mode)) {
            made = make_directories(target);
        } else {
            auto slash = target.rfind('/');
            made = make_directories(target.substr(0, slash)) && ensure_file(target);
        }
        if (!made || ::mount(source.c_str(), target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
            fatal("cannot bind-mount %s on %s: %s", bind.source.c_str(), bind.destination.c_str(),
                  std::strerror(errno));
        }
        log_debug("bind-mounted %s on %s", bind.source.c_str(), bind.destination.c_str());
    }
}

void make_root_read_only() {
    // A bind remount changes this one mount's flags, whatever its
    // filesystem (overlay, 9p, virtiofs), and leaves its submounts alone.
    if (::mount(nullptr, k_new_root, nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0) {
        fatal("cannot make the root read-only (kernel argument 'ro'): %s", std::strerror(errno));
    }
    log_debug("the root is read-only (kernel argument 'ro')");
}

void switch_root() {
    if (::chdir(k_new_root) != 0) {
        fatal("cannot enter %s: %s", k_new_root, std::strerror(errno));
    }
    if (::mount(".", "/", nullptr, MS_MOVE, nullptr) != 0) {
        fatal("cannot move %s to /: %s", k_new_root, std::strerror(errno));
    }
    if (::chroot(".") != 0 || ::chdir("/") != 0) {
        fatal("cannot change root to %s: %s", k_new_root, std::strerror(errno));
    }
}

}  // namespace vmtest::boot::init
