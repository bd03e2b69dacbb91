// Which guest paths a vm.mounts entry may use. The guest's init (see
// core/guest_init/mounts.cpp and run/guest_plan.cpp) mounts the kernel's
// pseudo-filesystems, tmpfs on /tmp and /run, and the project directory;
// a share on top of one of these silently hides it (a share on /proc hides
// the guest's /proc) or fails only after the boot.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace vmtest::config {

// Why `guest_path` cannot be a vm.mounts guest path for a project in
// `project_dir` (the host directory shared at /mnt/vmtest and at its own
// path), or none. The text reads after 'guest path "..." ', e.g. "must be
// absolute". Refused:
// - paths that are not absolute, not normalised (".", "..", "//", a
//   trailing "/") or that contain control characters;
// - "/", and "/proc", "/sys", "/dev" with everything beneath them (the
//   kernel's filesystems: /dev/pts, /dev/shm, /sys/fs/bpf, ...);
// - "/tmp" and "/run" themselves (the init's tmpfs; beneath them is fine);
// - "/mnt/vmtest" and the project directory's host path, and any parent of
//   them (a share there would hide them or have the init create directories
//   inside the share).
std::optional<std::string> guest_mount_path_problem(std::string_view guest_path,
                                                    const std::filesystem::path& project_dir);

}  // namespace vmtest::config
