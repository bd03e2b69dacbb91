// Files that look like programs of a given arch to whoever reads only their
// ELF header (util::elf_machine_arch): a root filesystem of another arch
// without a real foreign program in the source tree.
#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

namespace vmtest::test_support {

// ELF machine numbers (e_machine) the tests use.
inline constexpr unsigned k_elf_x86_64 = 62;
inline constexpr unsigned k_elf_aarch64 = 183;

// A 64-byte ELF64 header for `machine`, in the given byte order.
std::vector<std::byte> elf_header(unsigned machine, bool big_endian = false);

// Writes elf_header(machine) to `path` (mode 0755), making its parents.
void write_elf_stub(const std::filesystem::path& path, unsigned machine);

} // namespace vmtest::test_support
