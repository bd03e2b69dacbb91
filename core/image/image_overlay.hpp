// The image is never modified: the VM boots a qcow2 overlay that qemu-img
// creates in the run's private directory, backed (read-only) by the image.
// Everything the guest writes lands in the overlay and goes with the run's
// directory. With `image_writable = true` the VM writes to the image itself.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "image/disk_image.hpp"
#include "vmtest/sdk/types.hpp"

namespace vmtest::image {

// qemu-img's argv that creates `overlay` backed by `image` (absolute, so the
// overlay finds it from anywhere) of `format`, stated so that qemu-img never
// probes it.
std::vector<std::string> overlay_command(const std::filesystem::path& image, DiskFormat format,
                                         const std::filesystem::path& overlay);

// The disk a target boots: an overlay created in `run_dir` (throws
// std::runtime_error with qemu-img's own message when it fails), or the
// image itself when `writable`.
sdk::Disk boot_disk(const std::filesystem::path& image, DiskFormat format, bool writable,
                    const std::filesystem::path& run_dir);

} // namespace vmtest::image
