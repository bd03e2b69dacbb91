#include "util/elf_machine.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>

namespace vmtest::util {
namespace {

// ELF header: e_ident[16] (magic, class, data encoding, ...), then e_type
// (2 bytes) and e_machine (2 bytes), in both the 32- and 64-bit layouts.
constexpr std::size_t k_data_encoding_at = 5;
constexpr std::size_t k_machine_at = 18;
constexpr std::size_t k_header_prefix = 20;
constexpr unsigned char k_big_endian = 2;

std::string arch_of_machine(unsigned machine) {
    switch (machine) {
    case 3: return "i686";       // EM_386
    case 8: return "mips";       // EM_MIPS
    case 20: return "ppc";       // EM_PPC
    case 21: return "ppc64";     // EM_PPC64
    case 22: return "s390x";     // EM_S390
    case 40: return "arm";       // EM_ARM
    case 62: return "x86_64";    // EM_X86_64
    case 183: return "aarch64";  // EM_AARCH64
    case 243: return "riscv64";  // EM_RISCV
    case 258: return "loongarch64";  // EM_LOONGARCH
    default: return "ELF machine " + std::to_string(machine);
    }
}

}  // namespace

std::optional<std::string> elf_machine_arch(std::span<const std::byte> header) {
    if (header.size() < k_header_prefix || std::memcmp(header.data(), "\x7f" "ELF", 4) != 0) {
        return std::nullopt;
    }
    const auto low = static_cast<unsigned char>(header[k_machine_at]);
    const auto high = static_cast<unsigned char>(header[k_machine_at + 1]);
    const bool big_endian = static_cast<unsigned char>(header[k_data_encoding_at]) == k_big_endian;
    return arch_of_machine(big_endian ? (low << 8) | high : (high << 8) | low);
}

std::optional<std::string> elf_machine_arch(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::array<std::byte, k_header_prefix> header{};
    if (!file.read(reinterpret_cast<char*>(header.data()), header.size())) {
        return std::nullopt;
    }
    return elf_machine_arch(std::span<const std::byte>(header));
}

}  // namespace vmtest::util
