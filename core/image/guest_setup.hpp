// What an image target's guest needs before the command runs, done through
// the guest agent once it answers (there is no vmtest init in an image):
// load the share's kernel modules, check the kernel then knows the share's
// filesystem, mount the project directory at /mnt/vmtest and each vm.mounts
// entry at its path, and find the shell the command runs with (bash, else
// sh). It is one POSIX sh script, run like any command; what it prints is
// vmtest's, not the user's, and is read back by read_setup_result().
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "boot/init_config.hpp"

namespace vmtest::image {

struct GuestSetup {
    std::vector<std::string> modules;    // the share's, in load order
    std::vector<boot::InitMount> mounts; // parents before children
};

// The script (for `sh -c`). Exit status 0 when everything is mounted; it
// prints "vmtest-shell: /bin/bash" (or the sh it found) on success, and on
// failure one "vmtest-error: ..." line: "no-fs <fstype>" when the kernel
// cannot mount the share's filesystem even after loading the modules, or
// "mount <guest path>: <mount's message>".
std::string setup_script(const GuestSetup& setup);

struct SetupResult {
    std::string shell;                // "/bin/bash" or "/bin/sh"; empty on failure
    std::optional<std::string> error; // one line for the user
};

// Reads the script's output and exit status. The error for a missing
// filesystem names the kernel feature: "the image's kernel has no 9p
// support (9pnet_virtio, 9p)".
SetupResult read_setup_result(const GuestSetup& setup, const std::string& output, int exit_code);

} // namespace vmtest::image
