// Which processor an ELF file's code is for, from the first bytes of its
// header: enough to tell an aarch64 root filesystem from an x86_64 one, or
// an arm64 vmlinux from an x86 one, without running anything.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>

namespace vmtest::util {

// The architecture of the ELF header at the start of `header`, named as
// `uname -m` names it ("x86_64", "aarch64", "i686", "arm", "riscv64", ...;
// "ELF machine N" for the others). nullopt when `header` is too short or
// not ELF.
std::optional<std::string> elf_machine_arch(std::span<const std::byte> header);

// The same for the file at `path`; nullopt also when it is not a regular
// file (symlinks followed) or cannot be read.
std::optional<std::string> elf_machine_arch(const std::filesystem::path& path);

} // namespace vmtest::util
