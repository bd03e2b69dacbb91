// Reading vmtest.toml: danobi/vmtest's format, plus a few fields of ours.
//
//   reporters = ["junit=results.xml", "tap"]  # ours, optional, document level: result
//                                              # reporters as with --reporter NAME[=PATH];
//                                              # relative PATHs are relative to this file
//   jobs = 2                      # ours, optional, document level: targets run at
//                                 # once (1..256, default 1); -j/--jobs wins
//   [[target]]                    # one per VM; at least one
//   name = "6.8"                  # required, unique
//   kernel = "bzImage-6.8"        # exactly one of kernel / image; also a .deb, a
//                                 # tarball, a directory or an http(s) URL of a file
//   # modules = "modules.deb"     # ours: modules directory, package or URL
//   # kernel_sha256 = "..."       # ours: SHA-256 of a URL kernel (modules_sha256 too)
//   # image = "disk.qcow2"
//   # uefi = true                 # image targets only
//   kernel_args = "nokaslr"       # kernel targets only; the whole kernel command
//                                 # line must fit 2047 bytes (kernel_command_line.hpp)
//   rootfs = "/"                  # guest root for kernel targets; default: host's /
//   arch = "x86_64"               # the only one supported so far
//   command = '''./run.sh'''      # required; run by `bash -c` in /mnt/vmtest
//   qemu_command = "qemu-system-x86_64"  # aliases of the QEMU backends' options
//   kvm_cpu_args = "host"                 # (also vm.extra_args)
//   backend = "auto"              # ours: plugin names
//   share = "9p"
//   runner = "qga"
//   timeout = 600                 # ours: seconds the command may run
//   boot_timeout = 120            # ours: seconds the boot may take
//   root_writable = false         # ours: let the guest write to the host root
//   [target.vm]
//   num_cpus = 2                  # 1..255
//   memory = "4G"                 # QEMU -m syntax, at least 128M (memory_size.hpp)
//   bios = "OVMF_CODE.fd"         # with uefi only
//   extra_args = ["-device", "virtio-rng-pci"]  # not qemu_argument_policy.cpp's list
//   [target.vm.mounts]            # guest paths as guest_mount_path.hpp allows
//   "/mnt/data" = { host_path = "data", writable = true }
//   [target.share_options]        # ours: options for the share plugin (also
//   msize = 65536                 # backend_options, runner_options); names and
//                                 # types are checked against the plugins later
//
// Relative paths (kernel, modules, image, rootfs, bios, host_path, reporter outputs)
// are relative to the file's directory, which is also shared read-write at
// /mnt/vmtest and is the command's working directory. Unknown fields are
// errors, so typos like `kernal` do not silently fall back to defaults.
#pragma once

#include <filesystem>
#include <string_view>

#include "config/config_error.hpp"
#include "config/target.hpp"

namespace vmtest::config {

// Reads and parses `file`, a regular file of at most 4 MiB
// (config_text_reader.hpp). Throws ConfigError, including when the file
// cannot be read ("vmtest.toml: cannot read: No such file or directory").
Config load_config_file(const std::filesystem::path& file);

// Parses `text` as if read from `file_for_messages`, which names the file in
// errors (as given) and whose directory relative paths are resolved against
// (made absolute against the process's working directory if relative).
// Throws ConfigError, also when `text` is too large or nests too deeply
// (toml_nesting_check.hpp) for toml++ to parse safely.
Config parse_config(std::string_view text, const std::filesystem::path& file_for_messages);

}  // namespace vmtest::config
