#pragma once

#include <cstddef>
#include <filesystem>
#include <span>

namespace vmtest::boot {

// True when the bytes start with the ELF magic.
[[nodiscard]] bool is_elf(std::span<const std::byte> bytes);

// True when the ELF image carries a Xen PVH entry point note (owner "Xen",
// type XEN_ELFNOTE_PHYS32_ENTRY = 18). QEMU's `-kernel` can only boot an
// uncompressed vmlinux if it has one. Malformed or non-ELF input is false.
[[nodiscard]] bool has_pvh_note(std::span<const std::byte> elf);
// Same, reading only the headers and note segments of the file. Throws
// BootError if the file cannot be opened.
[[nodiscard]] bool has_pvh_note(const std::filesystem::path& elf_path);

}  // namespace vmtest::boot
