// Whether a kernel target's guest root can run on its arch. The guest runs
// the programs of its root (the shell, the guest agent): the host's own
// root only runs on the host's arch, and a root filesystem of one arch
// cannot serve a guest of another. Both are caught when the config is read,
// in one line, rather than by a guest that boots and finds nothing it can
// execute.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "config/target.hpp"

namespace vmtest::config {

// The arch of the programs in the root filesystem at `rootfs`, as `uname -m`
// names it, read from the ELF header of its shell (bin/bash, else bin/sh;
// symbolic links followed inside `rootfs`, never out of it). nullopt when
// there is no such shell or it is not ELF.
std::optional<std::string> root_filesystem_arch(const std::filesystem::path& rootfs);

struct GuestRootProblem {
    std::string field;   // "arch" or "rootfs": the one to point at
    std::string message; // about the field's value, e.g. "\"aarch64\" cannot run ..."
};

// What stops `target` (a kernel target) from running its guest root, if
// anything: an arch other than the host's with the host's root, or a
// rootfs whose programs are of another arch than the target's. Image
// targets bring their own root: none.
std::optional<GuestRootProblem> guest_root_problem(const Target& target);

} // namespace vmtest::config
