#include "util/elf_machine.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string_view>

namespace vmtest::util {
namespace {

// ELF header: e_ident[16] (magic, class, data encoding, ...), then e_type
// (2 bytes) and e_machine (2 bytes), in both the 32- and 64-bit layouts.
constexpr std::size_t k_data_encoding_at = 5;
constexpr std::size_t k_machine_at = 18;
constexpr std::size_t k_header_prefix = 20;
constexpr unsigned char k_big_endian = 2;
constexpr std::array<char, 4> k_elf_magic = {'\x7f', 'E', 'L', 'F'};

// e_machine values (elf.h's EM_*) and `uname -m`'s names for them.
struct MachineName {
    unsigned machine;
    std::string_view arch;
};
constexpr MachineName k_machine_names[] = {
    {3, "i686"},          // EM_386
    {8, "mips"},          // EM_MIPS
    {20, "ppc"},          // EM_PPC
    {21, "ppc64"},        // EM_PPC64
    {22, "s390x"},        // EM_S390
    {40, "arm"},          // EM_ARM
    {62, "x86_64"},       // EM_X86_64
    {183, "aarch64"},     // EM_AARCH64
    {243, "riscv64"},     // EM_RISCV
    {258, "loongarch64"}, // EM_LOONGARCH
};

std::string arch_of_machine(unsigned machine) {
    for (const auto& name : k_machine_names) {
        if (name.machine == machine) {
            return std::string(name.arch);
        }
    }
    return "ELF machine " + std::to_string(machine);
}

} // namespace

std::optional<std::string> elf_machine_arch(std::span<const std::byte> header) {
    if (header.size() < k_header_prefix ||
        std::memcmp(header.data(), k_elf_magic.data(), k_elf_magic.size()) != 0) {
        return std::nullopt;
    }
    const auto low = static_cast<unsigned char>(header[k_machine_at]);
    const auto high = static_cast<unsigned char>(header[k_machine_at + 1]);
    const bool big_endian = static_cast<unsigned char>(header[k_data_encoding_at]) == k_big_endian;
    return arch_of_machine(big_endian ? (low << 8) | high : (high << 8) | low);
}

std::optional<std::string> elf_machine_arch(const std::filesystem::path& path) {
    // Only a regular file: opening a FIFO to read waits for a writer, and a
    // device may never end.
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) {
        return std::nullopt;
    }
    std::ifstream file(path, std::ios::binary);
    std::array<std::byte, k_header_prefix> header{};
    if (!file.read(reinterpret_cast<char*>(header.data()), header.size())) {
        return std::nullopt;
    }
    return elf_machine_arch(std::span<const std::byte>(header));
}

} // namespace vmtest::util
