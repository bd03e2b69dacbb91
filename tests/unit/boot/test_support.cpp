#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <elf.h>
#include <fstream>
#include <lzma.h>
#include <sstream>
#include <zlib.h>
#include <zstd.h>

namespace vmtest::boot::test {

namespace {

std::uint32_t hex_field(std::span<const std::byte> header, std::size_t index) {
    std::string text(reinterpret_cast<const char*>(header.data()) + 6 + index * 8, 8);
    return static_cast<std::uint32_t>(std::stoul(text, nullptr, 16));
}

std::size_t align4(std::size_t value) { return (value + 3) & ~std::size_t{3}; }

}  // namespace

std::vector<CpioEntry> parse_cpio(std::span<const std::byte> archive) {
    std::vector<CpioEntry> entries;
    std::size_t pos = 0;
    while (pos < archive.size()) {
        if (archive[pos] == std::byte{0}) {  // padding between archives
            ++pos;
            continue;
        }
        if (pos + 110 > archive.size() ||
            std::memcmp(archive.data() + pos, "070701", 6) != 0) {
            ADD_FAILURE() << "bad cpio header at offset " << pos;
            return entries;
        }
        auto header = archive.subspan(pos, 110);
        CpioEntry entry;
        entry.ino = hex_field(header, 0);
        entry.mode = hex_field(header, 1);
        entry.nlink = hex_field(header, 4);
        entry.mtime = hex_field(header, 5);
        std::uint32_t file_size = hex_field(header, 6);
        entry.rdev_major = hex_field(header, 9);
        entry.rdev_minor = hex_field(header, 10);
        std::uint32_t name_size = hex_field(header, 11);
        EXPECT_EQ(pos % 4, 0U) << "entry not 4-byte aligned";
        std::size_t name_at = pos + 110;
        entry.name.assign(reinterpret_cast<const char*>(archive.data()) + name_at, name_size - 1);
        std::size_t data_at = align4(name_at + name_size);
        entry.data.assign(reinterpret_cast<const char*>(archive.data()) + data_at, file_size);
        pos = align4(data_at + file_size);
        entries.push_back(std::move(entry));
    }
    return entries;
}

const CpioEntry* find_entry(const std::vector<CpioEntry>& entries, std::string_view name) {
    for (const auto& entry : entries) {
        if (entry.name == name) {
            return &entry;
        }
    }
    return nullptr;
}

std::vector<std::byte> to_bytes(std::string_view text) {
    auto bytes = std::as_bytes(std::span(text.data(), text.size()));
    return {bytes.begin(), bytes.end()};
}

std::string to_string(std::span<const std::byte> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

void write_bytes(const std::filesystem::path& path, std::span<const std::byte> bytes) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void write_text(const std::filesystem::path& path, std::string_view text) {
    write_bytes(path, to_bytes(text));
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::byte> compress_xz(std::span<const std::byte> input) {
    std::vector<std::byte> output(lzma_stream_buffer_bound(input.size()));
    std::size_t used = 0;
    lzma_ret result = lzma_easy_buffer_encode(
        6, LZMA_CHECK_CRC32, nullptr, reinterpret_cast<const std::uint8_t*>(input.data()),
        input.size(), reinterpret_cast<std::uint8_t*>(output.data()), &used, output.size());
    EXPECT_EQ(result, LZMA_OK);
    output.resize(used);
    return output;
}

std::vector<std::byte> compress_gzip(std::span<const std::byte> input) {
    z_stream stream{};
    EXPECT_EQ(deflateInit2(&stream, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    std::vector<std::byte> output(deflateBound(&stream, input.size()) + 64);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(input.data()));
    stream.avail_in = static_cast<uInt>(input.size());
    stream.next_out = reinterpret_cast<Bytef*>(output.data());
    stream.avail_out = static_cast<uInt>(output.size());
    EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
    output.resize(stream.total_out);
    deflateEnd(&stream);
    return output;
}

std::vector<std::byte> compress_zstd(std::span<const std::byte> input) {
    std::vector<std::byte> output(ZSTD_compressBound(input.size()));
    std::size_t used = ZSTD_compress(output.data(), output.size(), input.data(), input.size(), 3);
    EXPECT_FALSE(ZSTD_isError(used));
    output.resize(used);
    return output;
}

std::vector<std::byte> make_elf(bool with_pvh_note, std::string_view filler) {
    std::vector<std::byte> notes;
    auto add_note = [&notes](std::string_view name, std::uint32_t type, std::uint32_t desc) {
        Elf64_Nhdr header{static_cast<Elf64_Word>(name.size() + 1), 4, type};
        auto raw = std::as_bytes(std::span(&header, 1));
        notes.insert(notes.end(), raw.begin(), raw.end());
        std::string padded(name);
        padded.resize((name.size() + 1 + 3) / 4 * 4, '\0');
        auto name_bytes = to_bytes(padded);
        notes.insert(notes.end(), name_bytes.begin(), name_bytes.end());
        auto desc_bytes = std::as_bytes(std::span(&desc, 1));
        notes.insert(notes.end(), desc_bytes.begin(), desc_bytes.end());
    };
    add_note("GNU", 3, 0x12345678);
    if (with_pvh_note) {
        add_note("Xen", 18, 0x1000000);
    }

    Elf64_Ehdr ehdr{};
    std::memcpy(ehdr.e_ident, ELFMAG, SELFMAG);
    ehdr.e_ident[EI_CLASS] = ELFCLASS64;
    ehdr.e_ident[EI_DATA] = ELFDATA2LSB;
    ehdr.e_ident[EI_VERSION] = EV_CURRENT;
    ehdr.e_type = ET_EXEC;
    ehdr.e_machine = EM_X86_64;
    ehdr.e_version = EV_CURRENT;
    ehdr.e_phoff = sizeof(Elf64_Ehdr);
    ehdr.e_ehsize = sizeof(Elf64_Ehdr);
    ehdr.e_phentsize = sizeof(Elf64_Phdr);
    ehdr.e_phnum = 1;
    Elf64_Phdr phdr{};
    phdr.p_type = PT_NOTE;
    phdr.p_offset = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr);
    phdr.p_filesz = notes.size();
    phdr.p_align = 4;

    std::vector<std::byte> elf;
    auto append = [&elf](std::span<const std::byte> bytes) { elf.insert(elf.end(), bytes.begin(), bytes.end()); };
    append(std::as_bytes(std::span(&ehdr, 1)));
    append(std::as_bytes(std::span(&phdr, 1)));
    append(notes);
    append(to_bytes(filler));
    return elf;
}

std::vector<std::byte> make_kernel_module(const std::vector<std::string>& modinfo) {
    // Layout: ELF header, .modinfo data, .shstrtab data, section headers
    // (null, .modinfo, .shstrtab), as a relocatable object has them.
    std::string info;
    for (const auto& entry : modinfo) {
        info += entry;
        info += '\0';
    }
    const std::string names = std::string("\0.modinfo\0.shstrtab\0", 20);
    Elf64_Ehdr ehdr{};
    std::memcpy(ehdr.e_ident, ELFMAG, SELFMAG);
    ehdr.e_ident[EI_CLASS] = ELFCLASS64;
    ehdr.e_ident[EI_DATA] = ELFDATA2LSB;
    ehdr.e_ident[EI_VERSION] = EV_CURRENT;
    ehdr.e_type = ET_REL;
    ehdr.e_machine = EM_X86_64;
    ehdr.e_version = EV_CURRENT;
    ehdr.e_ehsize = sizeof(Elf64_Ehdr);
    ehdr.e_shentsize = sizeof(Elf64_Shdr);
    ehdr.e_shnum = 3;
    ehdr.e_shstrndx = 2;
    const std::size_t info_offset = sizeof(Elf64_Ehdr);
    const std::size_t names_offset = info_offset + info.size();
    ehdr.e_shoff = (names_offset + names.size() + 7) / 8 * 8;
    Elf64_Shdr sections[3]{};
    sections[1].sh_name = 1;
    sections[1].sh_type = SHT_PROGBITS;
    sections[1].sh_offset = info_offset;
    sections[1].sh_size = info.size();
    sections[2].sh_name = 10;
    sections[2].sh_type = SHT_STRTAB;
    sections[2].sh_offset = names_offset;
    sections[2].sh_size = names.size();

    std::vector<std::byte> elf;
    auto append = [&elf](std::span<const std::byte> bytes) { elf.insert(elf.end(), bytes.begin(), bytes.end()); };
    append(std::as_bytes(std::span(&ehdr, 1)));
    append(to_bytes(info));
    append(to_bytes(names));
    elf.resize(ehdr.e_shoff);
    append(std::as_bytes(std::span(sections)));
    return elf;
}

std::vector<std::byte> make_bzimage(std::string_view version_string, std::span<const std::byte> payload,
                                    std::uint32_t uncompressed_size, unsigned setup_sects) {
    unsigned real_sects = setup_sects == 0 ? 4 : setup_sects;
    std::size_t protected_mode = (real_sects + 1) * 512;
    std::size_t payload_offset = 0x100;  // some "decompressor code" first
    std::vector<std::byte> image(protected_mode + payload_offset);
    auto put8 = [&image](std::size_t at, std::uint8_t v) { image[at] = std::byte{v}; };
    auto put16 = [&](std::size_t at, std::uint16_t v) {
        put8(at, v & 0xff);
        put8(at + 1, v >> 8);
    };
    auto put32 = [&](std::size_t at, std::uint32_t v) {
        put16(at, v & 0xffff);
        put16(at + 2, v >> 16);
    };
    put8(0x1f1, static_cast<std::uint8_t>(setup_sects));
    put16(0x1fe, 0xaa55);
    std::memcpy(image.data() + 0x202, "HdrS", 4);
    put16(0x206, 0x020f);
    std::size_t version_at = 0x600;  // inside the setup sectors
    put16(0x20e, static_cast<std::uint16_t>(version_at - 0x200));
    std::memcpy(image.data() + version_at, version_string.data(), version_string.size());
    put32(0x248, static_cast<std::uint32_t>(payload_offset));
    put32(0x24c, static_cast<std::uint32_t>(payload.size() + 4));
    image.insert(image.end(), payload.begin(), payload.end());
    for (int i = 0; i < 4; ++i) {
        image.push_back(static_cast<std::byte>((uncompressed_size >> (8 * i)) & 0xff));
    }
    image.resize(image.size() + 64);  // trailing code/data after the payload
    return image;
}

std::optional<InstalledKernel> newest_installed_kernel() {
    std::optional<InstalledKernel> newest;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/boot", error)) {
        const std::string name = entry.path().filename().string();
        const std::string prefix = "vmlinuz-";
        if (name.rfind(prefix, 0) != 0) {
            continue;
        }
        if (!newest || ::strverscmp(name.c_str(), newest->image.filename().c_str()) > 0) {
            newest = InstalledKernel{entry.path(), name.substr(prefix.size())};
        }
    }
    return newest;
}

std::vector<std::byte> make_arm64_image(std::string_view version_string, std::size_t filler,
                                        std::uint64_t flags) {
    std::vector<std::byte> image(0x40 + filler);
    std::uint32_t state = 12345;
    for (std::size_t i = 0x40; i < image.size(); ++i) {
        state = state * 1103515245 + 12345;  // any bytes but 'L' cannot start a banner
        image[i] = static_cast<std::byte>((state >> 16) & 0x3f);
    }
    std::memcpy(image.data(), "MZ", 2);
    for (int i = 0; i < 8; ++i) {
        image[0x18 + i] = static_cast<std::byte>((flags >> (8 * i)) & 0xff);
    }
    std::memcpy(image.data() + 0x38, "ARM\x64", 4);
    const std::string banner = "Linux version " + std::string(version_string) + "\n";
    const auto* text = reinterpret_cast<const std::byte*>(banner.data());
    image.insert(image.end(), text, text + banner.size());
    image.resize(image.size() + 4096);
    return image;
}

}  // namespace vmtest::boot::test
