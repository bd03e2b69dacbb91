#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "boot/init_config.hpp"
#include "config/target.hpp"
#include "image/guest_setup.hpp"
#include "vmtest/sdk/types.hpp"

namespace vmtest::run {

// Names the guest side and the host side agree on.
inline constexpr const char* k_root_tag = "vmtest_root";
inline constexpr const char* k_project_tag = "vmtest_project";
inline constexpr const char* k_control_port = "org.vmtest.control";
// The guest init streams /dev/kmsg to the host on this port (Since 1.3).
inline constexpr const char* k_kernel_log_port = "org.vmtest.kmsg";

// The host directories a target exports: its root (read-only unless
// root_writable; not for an image, which has its own), the project directory (read-write, at /mnt/vmtest, unless
// it is a system directory: see project_share.hpp) and each vm.mounts
// entry, in that order.
std::vector<sdk::Export> exports_for(const config::Target& target);

// What the guest's init does for this target, given how the share mounts
// each export and what the runner's agent needs. The module list is left
// to write_initramfs(), which knows where it puts them.
boot::InitConfig init_config_for(const config::Target& target,
                                 const std::vector<sdk::GuestMount>& mounts,
                                 const sdk::RunnerDescription& runner,
                                 const std::vector<std::string>& hints, bool debug);

// The kernel modules the guest needs before it can mount its root, besides
// the share's own: virtio PCI transport, virtio-serial for the channels,
// overlayfs for a read-only root with writes in RAM.
std::vector<std::string> base_guest_modules(const config::Target& target);

// Every module the guest loads, in order: vmtest's own (above), then the
// backend's (for its devices, e.g. virtio_mmio), then the share's (for
// its mounts); each once.
std::vector<std::string> guest_modules_for(const config::Target& target,
                                           const sdk::BackendDescription& backend,
                                           const sdk::ShareDescription& share);

// The kernel command line for `target` (see config/kernel_command_line.hpp).
std::string kernel_command_line(const config::Target& target, bool verbose);

// argv and environment of the target's command: `bash -c` (or `sh -c` when
// the guest has no bash) with the host's environment, and $0 "bash" ("sh").
sdk::Command command_for(const config::Target& target, const std::vector<std::string>& environment);

// What an image target's guest mounts through its agent, given how the
// share mounts each export: the project directory at /mnt/vmtest and each
// vm.mounts entry at its path, after loading the share's modules.
image::GuestSetup image_guest_setup(const config::Target& target,
                                    const std::vector<sdk::GuestMount>& mounts,
                                    const sdk::ShareDescription& share);

// An image target's command: `shell -c` (the bash or sh the image has) in
// the target's workdir, with the agent's environment, as danobi/vmtest does
// for images (the host's environment means nothing to another system).
sdk::Command image_command_for(const config::Target& target, const std::string& shell);

}  // namespace vmtest::run
