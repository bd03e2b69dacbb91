#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "qemu_command_line.hpp"
#include "vmtest/sdk/plugin.hpp"

namespace vmtest::qemu {

// Is KVM really usable here? `/dev/kvm` opening is not enough: under broken
// nested virtualization the device opens, QEMU starts, and the guest then
// hangs forever while decompressing the kernel (or QEMU aborts on an MSR it
// cannot set). So the probe boots the target's kernel under KVM with no
// root filesystem and watches the serial console: the kernel printing its
// "Linux version" banner within `deadline` proves the accelerator runs
// guest code. The verdict is cached (keyed by host kernel, emulator binary
// and CPU arguments), so only the first run on a host pays for the probe.
//
// Returns nullopt when KVM works, else the reason it does not.
std::optional<std::string> probe_kvm(const sdk::Host& host, const sdk::VmSpec& spec,
                                     const QemuOptions& options,
                                     std::chrono::milliseconds deadline);

}  // namespace vmtest::qemu
