#include "config/kernel_command_line.hpp"

namespace vmtest::config {

std::string kernel_command_line(std::string_view kernel_args, bool verbose) {
    std::string cmdline = "console=ttyS0 panic=-1 rdinit=/init";
    if (!verbose) {
        cmdline += " quiet";
    }
    if (!kernel_args.empty()) {
        cmdline += ' ';
        cmdline += kernel_args;
    }
    return cmdline;
}

std::optional<std::string> kernel_args_problem(std::string_view kernel_args) {
    // Not verbose: the longer of the two lines.
    const std::size_t length = kernel_command_line(kernel_args, false).size();
    if (length <= k_max_kernel_command_line) {
        return std::nullopt;
    }
    const std::size_t ours = kernel_command_line("", false).size() + 1;
    return "makes the kernel command line " + std::to_string(length) +
           " bytes long, more than the " + std::to_string(k_max_kernel_command_line) +
           " the kernel accepts (vmtest's own parameters take " + std::to_string(ours) +
           ", leaving " + std::to_string(k_max_kernel_command_line - ours) + " for kernel_args)";
}

}  // namespace vmtest::config
