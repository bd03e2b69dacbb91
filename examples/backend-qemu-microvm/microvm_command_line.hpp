// The QEMU command line that boots a VM spec on the `microvm` machine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <vmtest/sdk/types.hpp>

namespace microvm {

enum class Accelerator { tcg, kvm };

struct MicrovmSettings {
    Accelerator accelerator = Accelerator::tcg;
    // The host TSC's rate (host_tsc.hpp); under TCG it goes on the kernel
    // command line as tsc_early_khz=. nullopt: let the guest calibrate.
    std::optional<std::uint64_t> tsc_khz;
    // Under TCG: tell the guest its TSC is reliable (host_trusts_tsc()).
    bool tsc_reliable = false;
};

// The attachment types this backend attaches.
std::vector<std::string> supported_attachments();

// The emulator binary: the spec's qemu_command, else qemu-system-<arch>.
std::string qemu_binary(const vmtest::sdk::VmSpec& spec);

// The spec's kernel command line plus what microvm needs.
std::string microvm_kernel_command_line(const vmtest::sdk::VmSpec& spec,
                                        const MicrovmSettings& settings);

// The whole argv (argv[0] is the binary). Throws sdk::unsupported for what
// this backend cannot boot (disk images, UEFI, an unknown attachment type,
// the interactive console), so probe() can say no before anything runs.
std::vector<std::string> microvm_command_line(const vmtest::sdk::VmSpec& spec,
                                              const MicrovmSettings& settings);

}  // namespace microvm
