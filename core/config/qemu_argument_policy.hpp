// The QEMU options vmtest refuses in arguments it passes to QEMU verbatim
// (vm.extra_args, and kvm_cpu_args when it holds whole options): those that
// detach QEMU or change its user or root, make it wait forever, or take over
// the sockets, serial port and terminal vmtest supervises the guest with.
// The list and the reason for each entry are in qemu_argument_policy.cpp.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>

namespace vmtest::config {

struct RefusedQemuArgument {
    std::size_t index;  // of the offending argument
    std::string option; // as QEMU spells it, e.g. "-daemonize"
    std::string reason; // why, e.g. "it detaches QEMU from vmtest, ..."

    // "QEMU option -daemonize is not allowed: <reason>"
    std::string message() const;
};

// The first refused option in `arguments`, or none. Options are recognised
// as QEMU reads them, "-opt" or "--opt", and also as "-opt=value". An
// argument that is the value of the option before it is checked too, so
// `-name -S` is refused: no real value looks like a refused option.
std::optional<RefusedQemuArgument>
find_refused_qemu_argument(std::span<const std::string> arguments);

// The same for kvm_cpu_args (or --kvm-cpu-args): when its first word starts
// with '-' the QEMU backends pass its words as whole options; otherwise it
// is just the -cpu value and cannot hold an option.
std::optional<RefusedQemuArgument> find_refused_kvm_cpu_argument(const std::string& kvm_cpu_args);

}  // namespace vmtest::config
