// The kernel command line vmtest boots with: its own parameters, then the
// target's kernel_args. Here rather than in run/ so that config checks a
// kernel_args against the very line that will be built: a line longer than
// the kernel accepts is cut short and the guest hangs until boot_timeout.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace vmtest::config {

// x86's COMMAND_LINE_SIZE is 2048 bytes including the terminating NUL (and
// bzImage headers say cmdline_size = 2047); arm64's is 2048 as well.
inline constexpr std::size_t k_max_kernel_command_line = 2047;

// console on the serial port (the boot log); rdinit: our init is /init of
// the initramfs; panic=-1 reboots at once on a panic, and QEMU's
// -no-reboot turns that into an exit. Unless `verbose`, the kernel is
// `quiet`: an emulated UART is slow, and printing every boot message costs
// ~2 s under TCG; warnings, panics and init's own lines are still logged.
// The user's kernel_args come last so they can override ours. `arch` (as
// `uname -m` names it) decides where the console is.
std::string kernel_command_line(std::string_view arch, std::string_view kernel_args,
                                bool verbose);

// Why `kernel_args` cannot be booted on `arch`, or none: the longest
// command line vmtest would build with it is too long for the kernel.
std::optional<std::string> kernel_args_problem(std::string_view arch,
                                               std::string_view kernel_args);

// Whether `kernel_args` ask for a read-only root, as the kernel reads its
// own `ro` and `rw`: the last of the two words wins; a quoted value
// (`x="a ro"`) is one parameter, and what follows `--` is init's, not the
// kernel's. danobi/vmtest users pass `ro` to keep the guest from writing
// to the root; the kernel cannot apply it itself here, since vmtest's init
// mounts the root.
bool asks_read_only_root(std::string_view kernel_args);

}  // namespace vmtest::config
