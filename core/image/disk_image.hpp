// What a file given as a target's `image` holds, read from its content (never
// its name): a qcow2 image (magic "QFI\xfb"), or a raw disk whose first
// sector carries an MBR or GPT partition table (boot signature 0x55 0xaa at
// byte 510; a GPT disk has a protective MBR with that signature too).
// Anything else would boot nothing, so it is refused before the VM starts,
// with what it looks like when that is known: a Linux kernel (given as
// `image` instead of `kernel`), another emulator's disk format, a bare
// filesystem without a partition table.
#pragma once

#include <filesystem>
#include <string>

namespace vmtest::image {

enum class DiskFormat { raw, qcow2 };

// "raw", "qcow2": QEMU's and qemu-img's names.
const char* format_name(DiskFormat format);

// The format of the disk image at `path`. Throws std::runtime_error with one
// line naming the file when it cannot be read or is not a disk image.
DiskFormat detect_disk_format(const std::filesystem::path& path);

} // namespace vmtest::image
