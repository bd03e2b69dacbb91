#include "plugin_host/elf_exports.hpp"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace vmtest::plugin_host {

namespace {

class ElfFile {
  public:
    explicit ElfFile(const std::filesystem::path& file) : m_in(file, std::ios::binary) {
        if (!m_in) {
            throw std::runtime_error("cannot open " + file.string());
        }
        m_size = std::filesystem::file_size(file);
    }

    template <class T> T read_at(std::uint64_t offset) {
        T value;
        read(offset, &value, sizeof value);
        return value;
    }

    std::vector<char> read_bytes(std::uint64_t offset, std::uint64_t size) {
        // Checked before allocating: a corrupt size must not ask for terabytes.
        if (offset > m_size || size > m_size - offset) {
            throw std::runtime_error("the file is cut short (an ELF table lies beyond its end)");
        }
        std::vector<char> bytes(size);
        read(offset, bytes.data(), size);
        return bytes;
    }

  private:
    void read(std::uint64_t offset, void* into, std::uint64_t size) {
        m_in.seekg(static_cast<std::streamoff>(offset));
        m_in.read(static_cast<char*>(into), static_cast<std::streamsize>(size));
        if (!m_in) {
            throw std::runtime_error("the file is cut short (an ELF table lies beyond its end)");
        }
    }

    std::ifstream m_in;
    std::uint64_t m_size = 0;
};

}  // namespace

bool elf_exports(const std::filesystem::path& file, std::string_view symbol) {
    ElfFile elf(file);
    const auto header = elf.read_at<Elf64_Ehdr>(0);
    if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0) {
        throw std::runtime_error("not an ELF file");
    }
    if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_ident[EI_DATA] != ELFDATA2LSB) {
        throw std::runtime_error("not a 64-bit little-endian ELF file");
    }
    if (header.e_shentsize != sizeof(Elf64_Shdr)) {
        throw std::runtime_error("unexpected ELF section header size");
    }
    for (std::uint16_t i = 0; i < header.e_shnum; ++i) {
        const auto section = elf.read_at<Elf64_Shdr>(header.e_shoff + i * sizeof(Elf64_Shdr));
        if (section.sh_type != SHT_DYNSYM || section.sh_link >= header.e_shnum) {
            continue;
        }
        const auto strings_section =
            elf.read_at<Elf64_Shdr>(header.e_shoff + section.sh_link * sizeof(Elf64_Shdr));
        const auto strings = elf.read_bytes(strings_section.sh_offset, strings_section.sh_size);
        const auto count = section.sh_size / sizeof(Elf64_Sym);
        for (std::uint64_t s = 0; s < count; ++s) {
            const auto sym = elf.read_at<Elf64_Sym>(section.sh_offset + s * sizeof(Elf64_Sym));
            const auto binding = ELF64_ST_BIND(sym.st_info);
            if (sym.st_shndx == SHN_UNDEF || (binding != STB_GLOBAL && binding != STB_WEAK) ||
                sym.st_name >= strings.size()) {
                continue;
            }
            // Names are NUL-terminated within the string table; one that
            // is not ends at the table's end.
            const char* name = strings.data() + sym.st_name;
            const std::size_t length = strnlen(name, strings.size() - sym.st_name);
            if (std::string_view(name, length) == symbol) {
                return true;
            }
        }
    }
    return false;
}

}  // namespace vmtest::plugin_host
