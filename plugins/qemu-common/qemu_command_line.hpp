#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "vmtest/sdk/types.hpp"

namespace vmtest::qemu {

enum class Accelerator { kvm, tcg };

// Where QEMU puts what vmtest reads back, all inside the run's private dir.
struct QemuFiles {
    std::filesystem::path qmp_socket;
};

// The QEMU backends' options that shape the command line (describe()
// declares them; upstream's target fields qemu_command, kvm_cpu_args and
// vm.extra_args are their aliases).
struct QemuOptions {
    std::string qemu_command;             // emulator binary; empty: qemu-system-<arch>
    std::string kvm_cpu_args;             // -cpu value, or whole options, under KVM
    std::vector<std::string> extra_args;  // appended verbatim
};

// The attachment types QEMU can attach, as advertised in describe().
std::vector<std::string> supported_attachments();

// The default emulator for `arch`: qemu-system-<arch>.
std::string default_qemu_binary(const std::string& arch);

// The emulator QEMU runs for `spec` with `options`.
std::string qemu_binary(const sdk::VmSpec& spec, const QemuOptions& options);

// The kernel file QEMU boots: the PVH ELF when there is one (it skips the
// in-guest decompression), else the image as given; `kernel` for a host
// that predates ABI 1.2.
std::string kernel_to_boot(const sdk::VmSpec& spec);

// The complete argv (argv[0] = emulator) that boots `spec`. Throws
// sdk::Error (unsupported) for attachment types, channel transports, disk
// formats or targets it cannot express, naming them.
std::vector<std::string> qemu_command_line(const sdk::VmSpec& spec, Accelerator accelerator,
                                           const QemuFiles& files, const QemuOptions& options = {});

}  // namespace vmtest::qemu
