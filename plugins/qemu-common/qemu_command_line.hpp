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

// The attachment types QEMU can attach, as advertised in describe().
std::vector<std::string> supported_attachments();

// The default emulator for `arch`: qemu-system-<arch>.
std::string default_qemu_binary(const std::string& arch);

// The complete argv (argv[0] = emulator) that boots `spec`. Throws
// sdk::Error (unsupported) for attachment types or targets it cannot
// express, naming them.
std::vector<std::string> qemu_command_line(const sdk::VmSpec& spec, Accelerator accelerator,
                                           const QemuFiles& files);

}  // namespace vmtest::qemu
