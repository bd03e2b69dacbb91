// What differs between the guest architectures QEMU boots for vmtest: the
// board, the CPU model under software emulation, where the console is, and
// the Debian package that has the emulator.
#pragma once

#include <string>
#include <vector>

namespace vmtest::qemu {

struct QemuMachine {
    std::string machine;      // -machine
    std::string tcg_cpu;      // -cpu under TCG (under KVM it is the host's)
    std::string console_args; // kernel parameters for the serial console, early ones too
    std::string package;      // provides qemu-system-<arch> on Debian and Ubuntu
};

// The arches QEMU backends boot, as `uname -m` names them.
std::vector<std::string> supported_arches();

// The host's own arch: the only one KVM can run.
std::string host_arch();

// The machine for `arch`; throws sdk::Error (unsupported) for an arch not
// in supported_arches().
QemuMachine machine_for(const std::string& arch);

} // namespace vmtest::qemu
