#include "boot/modinfo.hpp"

#include <cstdint>
#include <cstring>
#include <elf.h>

#include "boot/boot_error.hpp"
#include "boot/decompress.hpp"
#include "boot/file_io.hpp"
#include "boot/module_resolver.hpp"

namespace vmtest::boot {
namespace {

template <typename T>
T read_struct(std::span<const std::byte> bytes, std::uint64_t offset, std::string_view what) {
    if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) {
        throw BootError(std::string(what) + ": truncated ELF object");
    }
    T value;
    std::memcpy(&value, bytes.data() + offset, sizeof(T));
    return value;
}

std::span<const std::byte> section_bytes(std::span<const std::byte> elf, const Elf64_Shdr& section,
                                         std::string_view what) {
    if (section.sh_type == SHT_NOBITS) {
        return {};
    }
    if (section.sh_offset > elf.size() || elf.size() - section.sh_offset < section.sh_size) {
        throw BootError(std::string(what) + ": ELF section lies outside the file");
    }
    return elf.subspan(section.sh_offset, section.sh_size);
}

} // namespace

std::vector<std::byte> read_module_file(const std::filesystem::path& path) {
    std::vector<std::byte> bytes = read_file(path);
    const Compression compression = detect_compression(bytes);
    if (compression == Compression::none) {
        return bytes;
    }
    return decompress(compression, bytes, "kernel module " + path.string(), bytes.size() * 4);
}

std::vector<std::pair<std::string, std::string>> read_modinfo(std::span<const std::byte> elf,
                                                              std::string_view what) {
    const auto header = read_struct<Elf64_Ehdr>(elf, 0, what);
    if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 ||
        header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_ident[EI_DATA] != ELFDATA2LSB) {
        throw BootError(std::string(what) + ": not a 64-bit little-endian ELF kernel module");
    }
    if (header.e_shentsize != sizeof(Elf64_Shdr) || header.e_shstrndx >= header.e_shnum) {
        throw BootError(std::string(what) + ": ELF object without usable section headers");
    }
    const auto section_at = [&](std::uint16_t index) {
        return read_struct<Elf64_Shdr>(
            elf, header.e_shoff + std::uint64_t{index} * sizeof(Elf64_Shdr), what);
    };
    const auto names = section_bytes(elf, section_at(header.e_shstrndx), what);
    std::vector<std::pair<std::string, std::string>> entries;
    for (std::uint16_t i = 0; i < header.e_shnum; ++i) {
        const auto section = section_at(i);
        if (section.sh_name >= names.size()) {
            continue;
        }
        const char* name = reinterpret_cast<const char*>(names.data()) + section.sh_name;
        const std::size_t room = names.size() - section.sh_name;
        if (std::string_view(name, strnlen(name, room)) != ".modinfo") {
            continue;
        }
        const auto data = section_bytes(elf, section, what);
        const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
        // Entries are NUL-terminated and may be padded with extra NULs.
        std::size_t start = 0;
        while (start < text.size()) {
            std::size_t end = text.find('\0', start);
            if (end == std::string_view::npos) {
                end = text.size();
            }
            const std::string_view entry = text.substr(start, end - start);
            if (const auto equals = entry.find('='); equals != std::string_view::npos) {
                entries.emplace_back(std::string(entry.substr(0, equals)),
                                     std::string(entry.substr(equals + 1)));
            }
            start = end + 1;
        }
        break;
    }
    return entries;
}

std::vector<std::string> module_dependencies(const std::filesystem::path& file) {
    const auto bytes = read_module_file(file);
    std::vector<std::string> dependencies;
    for (const auto& [key, value] : read_modinfo(bytes, "kernel module " + file.string())) {
        if (key != "depends") {
            continue;
        }
        std::size_t start = 0;
        while (start <= value.size()) {
            std::size_t comma = value.find(',', start);
            if (comma == std::string::npos) {
                comma = value.size();
            }
            if (comma > start) {
                dependencies.push_back(normalize_module_name(value.substr(start, comma - start)));
            }
            start = comma + 1;
        }
    }
    return dependencies;
}

} // namespace vmtest::boot
