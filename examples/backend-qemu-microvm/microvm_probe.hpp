// Can this host boot microvm? Asks the QEMU binary itself, briefly.
#pragma once

#include <chrono>

#include <vmtest/sdk/plugin.hpp>

#include "microvm_command_line.hpp"

namespace microvm {

// Throws sdk::unsupported with the reason when the spec cannot boot here:
// the spec asks for what this backend lacks, the QEMU binary is missing or
// has no microvm machine (`-machine help`), or KVM was asked for and
// /dev/kvm cannot be opened. Gives QEMU `limit` to answer; throws
// sdk::cancelled when the host asks to stop first.
void probe_microvm(const vmtest::sdk::Host& host, const vmtest::sdk::VmSpec& spec,
                   const MicrovmSettings& settings, std::chrono::milliseconds limit);

}  // namespace microvm
