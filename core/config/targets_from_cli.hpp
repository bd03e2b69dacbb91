// Turning command-line options into targets: the one-liner target, and the
// flags that override fields of config-file targets.
#pragma once

#include <filesystem>
#include <optional>

#include "config/cli_options.hpp"
#include "config/target.hpp"

namespace vmtest::config {

// The single target of one-liner mode: `kernel` (from -k, or the host's
// kernel chosen by main) booted with the host's root, running the command
// words in `cwd`, which is also shared read-write at /mnt/vmtest. Named
// after the kernel's file name, like upstream. Relative paths are resolved
// against `cwd`. Throws UsageError when there is no command.
Target make_oneliner_target(const CliOptions& options, const std::filesystem::path& cwd,
                            const std::optional<std::filesystem::path>& kernel);

// Applies --kargs, --kvm-cpu-args, --rootfs, --modules, --arch,
// --qemu-command, --backend, --share, --runner and --timeout to `target`
// where given. --kargs and --modules are skipped for image targets, which
// boot their own kernel. A relative --rootfs or --modules is resolved
// against `cwd` unless `cwd` is empty; --modules drops the target's
// modules_sha256, which was about the modules it replaces.
void apply_overrides(Target& target, const CliOptions& options,
                     const std::filesystem::path& cwd = {});

}  // namespace vmtest::config
