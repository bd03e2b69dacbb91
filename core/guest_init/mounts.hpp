#pragma once

#include "boot/init_config.hpp"

namespace vmtest::boot::init {

// Where the guest's root is assembled before switch_root.
inline constexpr const char* k_new_root = "/newroot";

// devtmpfs, proc and sysfs for the init itself, in the initramfs.
void mount_early_filesystems();

// The root share at /newroot: for read-only, an overlay of a tmpfs on the
// share, so the guest may write anywhere and the host stays untouched.
// Failing to mount the share is fatal; the message carries the hints.
void mount_root(const InitRootMount& root, const std::vector<std::string>& hints);

// proc, sysfs, devtmpfs, devpts, /dev/shm, /tmp, /run in the new root, then
// cgroup2, debugfs, tracefs and bpf where the kernel has them.
void mount_api_filesystems();

// `mount` and `bind` directives, inside the new root. Failures are fatal.
void mount_extra_shares(const std::vector<InitMount>& mounts);
void bind_mounts(const std::vector<InitBind>& binds);

// The `read-only-root` directive: remounts the root mount itself read-only,
// after the mount points on it were made. The mounts on it keep their own
// access. Failing is fatal: the user asked that nothing be written there.
void make_root_read_only();

// Makes /newroot the root: mount --move it onto / and chroot into it.
void switch_root();

}  // namespace vmtest::boot::init
