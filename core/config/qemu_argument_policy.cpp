#include "config/qemu_argument_policy.hpp"

#include <string_view>

#include "vmtest/plugin-support/split_words.hpp"

namespace vmtest::config {
namespace {

// For options that are harmless unless their value is the terminal (stdio)
// or a multiplexed monitor ("mon:..."): vmtest owns both.
bool uses_terminal_or_monitor(std::string_view value) {
    const bool stdio =
        value.starts_with("stdio") && (value.size() == 5 || value[5] == ',' || value[5] == ':');
    return stdio || value.starts_with("mon:");
}

struct RefusedOption {
    std::string_view name; // without the leading dash
    std::string_view reason;
    // When set, the option is refused only if its value matches.
    bool (*refused_value)(std::string_view value) = nullptr;
};

// The one list. Checked against `qemu-system-x86_64 -help` (QEMU 7.2) and
// QEMU 9's -run-with. Options not listed are passed on: vmtest does not try
// to judge whether the guest they make is useful, only whether it can still
// supervise it.
constexpr RefusedOption k_refused_options[] = {
    // QEMU leaves vmtest's control or its files.
    {"daemonize", "it detaches QEMU from vmtest, which could then no longer watch or stop it"},
    {"runas", "it changes the user QEMU runs as, cutting it off from vmtest's sockets and files"},
    {"chroot", "it changes QEMU's root directory, cutting it off from vmtest's sockets and files"},
    {"run-with", "it changes QEMU's user or root directory (user=, chroot=), cutting it off from "
                 "vmtest's sockets and files"},
    {"pidfile", "vmtest watches QEMU itself; a PID file is left behind for nothing"},
    {"readconfig", "it reads QEMU options from a file, where vmtest cannot check them"},
    {"set", "it can change the options of vmtest's own devices and sockets"},
    // QEMU waits forever instead of booting or exiting.
    {"S", "it starts the guest's CPUs stopped, so the guest never boots"},
    {"incoming", "it makes QEMU wait for an incoming migration instead of booting"},
    {"preconfig", "it makes QEMU wait for a monitor command before creating the machine"},
    {"qtest", "it runs QEMU's test accelerator, under which the guest never runs"},
    {"no-shutdown",
     "it keeps QEMU running after the guest powers off, so vmtest waits for nothing"},
    {"action", "it changes what QEMU does when the guest powers off, reboots or panics, which "
               "vmtest relies on to notice the end of a run"},
    {"watchdog-action", "it can pause the guest when its watchdog fires, and vmtest would wait "
                        "for nothing"},
    // vmtest's monitor, serial port and terminal.
    {"monitor", "vmtest controls QEMU through its own QMP monitor"},
    {"qmp", "vmtest controls QEMU through its own QMP monitor"},
    {"qmp-pretty", "vmtest controls QEMU through its own QMP monitor"},
    {"mon", "vmtest controls QEMU through its own QMP monitor"},
    {"serial", "the serial port is the guest's boot log, which vmtest reads"},
    {"nographic", "it puts the serial port and a monitor on vmtest's terminal"},
    {"display", "vmtest runs QEMU without a display, and some displays (curses) take over the "
                "terminal; use -vnc to watch the guest"},
    {"chardev", "a stdio character device takes over vmtest's terminal", uses_terminal_or_monitor},
    {"parallel", "on stdio or a monitor (mon:) it takes over vmtest's terminal or QEMU's control",
     uses_terminal_or_monitor},
    {"debugcon", "on stdio or a monitor (mon:) it takes over vmtest's terminal or QEMU's control",
     uses_terminal_or_monitor},
    {"gdb", "on stdio or a monitor (mon:) it takes over vmtest's terminal or QEMU's control",
     uses_terminal_or_monitor},
    // Set by vmtest from the target's fields.
    {"kernel", "vmtest boots the target's 'kernel' itself"},
    {"initrd", "vmtest boots its own initramfs"},
    {"append", "vmtest builds the kernel command line; add to it with 'kernel_args'"},
    {"m", "vmtest sets the guest's memory from 'vm.memory'"},
};

// "--opt=value" -> ("opt", "value"); a word not starting with '-' -> none.
std::optional<std::pair<std::string_view, std::optional<std::string_view>>>
as_option(std::string_view argument) {
    if (!argument.starts_with('-')) {
        return std::nullopt;
    }
    argument.remove_prefix(argument.starts_with("--") ? 2 : 1);
    const auto equals = argument.find('=');
    if (equals == std::string_view::npos) {
        return std::pair(argument, std::nullopt);
    }
    return std::pair(argument.substr(0, equals), argument.substr(equals + 1));
}

}  // namespace

std::string RefusedQemuArgument::message() const {
    return "QEMU option " + option + " is not allowed: " + reason;
}

std::optional<RefusedQemuArgument>
find_refused_qemu_argument(std::span<const std::string> arguments) {
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const auto option = as_option(arguments[i]);
        if (!option) {
            continue;
        }
        const auto [name, inline_value] = *option;
        for (const RefusedOption& refused : k_refused_options) {
            if (name != refused.name) {
                continue;
            }
            if (refused.refused_value != nullptr) {
                const std::optional<std::string_view> value =
                    inline_value               ? inline_value
                    : i + 1 < arguments.size() ? std::optional<std::string_view>(arguments[i + 1])
                                               : std::nullopt;
                if (!value || !refused.refused_value(*value)) {
                    break;
                }
            }
            return RefusedQemuArgument{i, "-" + std::string(name), std::string(refused.reason)};
        }
    }
    return std::nullopt;
}

std::optional<RefusedQemuArgument> find_refused_kvm_cpu_argument(const std::string& kvm_cpu_args) {
    const std::vector<std::string> words = util::split_words(kvm_cpu_args);
    if (words.empty() || !words.front().starts_with('-')) {
        return std::nullopt;
    }
    return find_refused_qemu_argument(words);
}

}  // namespace vmtest::config
