// How the project directory is shared with the guest. It is shared
// read-write at /mnt/vmtest, so a test's output lands in the project; but
// when vmtest runs from `/` or another system directory, "the project" is
// the host's system itself, and the guest must not write to it: it gets a
// read-only share, like the root, and a notice says how to get a writable one.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "config/target.hpp"

namespace vmtest::run {

// Whether `dir` (absolute, normalised, links resolved) is a system
// directory rather than a place a project lives in: `/`; the pseudo
// filesystems /proc, /sys, /dev, /run and everything under them; /etc, /boot,
// /bin, /sbin, /lib*, /usr and everything under them except what is under
// /usr/src and /usr/local/src (sources are built there); /var/log,
// /var/cache, /var/spool, /var/mail, /var/backups and what is under them;
// and /var, /var/lib, /home, /opt, /srv, /usr/src, /usr/local/src
// themselves, whose subdirectories are projects (a Jenkins workspace in
// /var/lib/jenkins, a home, a checkout in /opt or /usr/src).
bool is_system_directory(const std::filesystem::path& dir);

struct ProjectShare {
    bool writable = true;           // read-write at /mnt/vmtest
    bool at_host_path = true;       // also mounted over its own path in the guest
};

// The project share of `target`. A system directory is shared read-only,
// unless root_writable lets the guest write to the host's root anyway, and
// is not mounted over its own path: the guest's own /etc or /proc stay.
ProjectShare project_share_for(const config::Target& target);

// The one line that says why a target's project share is read-only and
// how to get a writable one; none when it is writable.
std::optional<std::string> project_share_notice(const config::Target& target);

}  // namespace vmtest::run
