#include "config/kernel_command_line.hpp"

namespace vmtest::config {

namespace {

// Where the console is and how the kernel reaches it before its console
// driver starts, per arch: the first 16550 UART of a PC (x86_64); the PL011
// of QEMU's `virt` board (aarch64), which the device tree's stdout-path
// names, so a bare `earlycon` finds it.
struct ArchParameters {
    std::string_view console;
    std::string_view early_console;
    std::string_view extra; // after rdinit=, before quiet
};

ArchParameters parameters_for(std::string_view arch) {
    if (arch == "aarch64") {
        return {"console=ttyAMA0", "earlycon", ""};
    }
    // no_timer_check: the kernel checks that the IO-APIC timer ticks within
    // a few jiffies; an emulated CPU on a busy host can miss that window and
    // the kernel then panics with "IO-APIC + timer doesn't work!" (seen
    // under TCG at load 16). A virtual machine has no broken timer wiring
    // for the check to find, which is why cloud images set it too. x86 only.
    return {"console=ttyS0", "earlyprintk=serial,ttyS0", " no_timer_check"};
}

} // namespace

std::string kernel_command_line(std::string_view arch, std::string_view kernel_args, bool verbose) {
    // rdinit: our init is /init of the initramfs. panic=-1 reboots at once on
    // a panic, and QEMU's -no-reboot turns that into an exit. The early
    // console: a kernel that dies before its console driver starts (too
    // little memory for it and its initramfs) is otherwise silent and hangs
    // with its CPUs halted, while the host waits for boot_timeout; with it
    // the panic is on the console, where VmWatch sees it. After `quiet`,
    // which it obeys from then on: a healthy boot's log stays as short as
    // without it.
    const ArchParameters arch_parameters = parameters_for(arch);
    std::string cmdline(arch_parameters.console);
    cmdline += " panic=-1 rdinit=/init";
    cmdline += arch_parameters.extra;
    if (!verbose) {
        cmdline += " quiet";
    }
    cmdline += ' ';
    cmdline += arch_parameters.early_console;
    if (!kernel_args.empty()) {
        cmdline += ' ';
        cmdline += kernel_args;
    }
    return cmdline;
}

std::optional<std::string> kernel_args_problem(std::string_view arch,
                                               std::string_view kernel_args) {
    // Not verbose: the longer of the two lines.
    const std::size_t length = kernel_command_line(arch, kernel_args, false).size();
    if (length <= k_max_kernel_command_line) {
        return std::nullopt;
    }
    const std::size_t ours = kernel_command_line(arch, "", false).size() + 1;
    return "makes the kernel command line " + std::to_string(length) +
           " bytes long, more than the " + std::to_string(k_max_kernel_command_line) +
           " the kernel accepts (vmtest's own parameters take " + std::to_string(ours) +
           ", leaving " + std::to_string(k_max_kernel_command_line - ours) + " for kernel_args)";
}

bool asks_read_only_root(std::string_view kernel_args) {
    bool read_only = false;
    std::size_t at = 0;
    while (at < kernel_args.size()) {
        if (kernel_args[at] == ' ' || kernel_args[at] == '\t' || kernel_args[at] == '\n') {
            ++at;
            continue;
        }
        // One parameter: up to unquoted white space, as the kernel's next_arg().
        const std::size_t start = at;
        bool in_quote = false;
        for (; at < kernel_args.size(); ++at) {
            const char c = kernel_args[at];
            if (c == '"') {
                in_quote = !in_quote;
            } else if (!in_quote && (c == ' ' || c == '\t' || c == '\n')) {
                break;
            }
        }
        const std::string_view parameter = kernel_args.substr(start, at - start);
        if (parameter == "--") {
            break;
        }
        if (parameter == "ro" || parameter == "rw") {
            read_only = parameter == "ro";
        }
    }
    return read_only;
}

} // namespace vmtest::config
