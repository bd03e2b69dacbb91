#include "elf_stub.hpp"

#include <fstream>

namespace vmtest::test_support {

std::vector<std::byte> elf_header(unsigned machine, bool big_endian) {
    std::vector<std::byte> header(64);
    // Magic, ELFCLASS64, the byte order, EV_CURRENT; e_type ET_EXEC at 16.
    const unsigned char ident[] = {
        0x7f, 'E', 'L', 'F', 2, static_cast<unsigned char>(big_endian ? 2 : 1), 1};
    for (std::size_t i = 0; i < sizeof ident; ++i) {
        header[i] = std::byte{ident[i]};
    }
    const auto put16 = [&](std::size_t at, unsigned value) {
        header[big_endian ? at + 1 : at] = std::byte(value & 0xff);
        header[big_endian ? at : at + 1] = std::byte((value >> 8) & 0xff);
    };
    put16(16, 2);
    put16(18, machine);
    return header;
}

void write_elf_stub(const std::filesystem::path& path, unsigned machine) {
    std::filesystem::create_directories(path.parent_path());
    const auto header = elf_header(machine);
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(header.data()),
               static_cast<std::streamsize>(header.size()));
    std::filesystem::permissions(path, std::filesystem::perms(0755));
}

} // namespace vmtest::test_support
