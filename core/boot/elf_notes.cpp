// ELF notes, briefly. An ELF file starts with a header that says whether it
// is 32 or 64 bit and where its table of program headers is. Program headers
// of type PT_NOTE (and, in files without them, sections of type SHT_NOTE)
// point at a run of notes. Each note is three 32-bit words (name size,
// descriptor size, type), then the owner name ("Xen\0"), then the
// descriptor; name and descriptor are each padded to the segment's alignment
// (4 bytes, or 8 for segments aligned to 8). A Linux vmlinux built with
// CONFIG_PVH has a "Xen" note of type 18 whose descriptor is the 32-bit
// physical entry point; that is what QEMU looks for when given an ELF kernel.
// Only little-endian files are understood, which covers x86 and arm64.

#include "boot/elf_notes.hpp"

#include "boot/boot_error.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <elf.h>
#include <fcntl.h>
#include <functional>
#include <string>
#include <unistd.h>
#include <vector>

namespace vmtest::boot {

namespace {

constexpr std::uint32_t k_xen_elfnote_phys32_entry = 18;
// Notes are small; refuse absurd sizes from a corrupt header rather than
// allocating gigabytes.
constexpr std::uint64_t k_max_note_bytes = 16 << 20;
constexpr std::uint32_t k_max_headers = 4096;

// Reads `size` bytes at `offset`; false when out of range.
using Reader = std::function<bool(std::uint64_t offset, std::size_t size, void* out)>;

struct NoteRange {
    std::uint64_t offset;
    std::uint64_t size;
    std::uint64_t align;
};

bool notes_contain_pvh(const std::vector<std::byte>& notes, std::uint64_t align) {
    std::uint64_t pad = align == 8 ? 8 : 4;
    auto round_up = [pad](std::uint64_t v) { return (v + pad - 1) / pad * pad; };
    std::uint64_t pos = 0;
    while (pos + sizeof(Elf64_Nhdr) <= notes.size()) {
        Elf64_Nhdr header;
        std::memcpy(&header, notes.data() + pos, sizeof(header));
        std::uint64_t name_at = pos + sizeof(header);
        std::uint64_t desc_at = name_at + round_up(header.n_namesz);
        std::uint64_t next = desc_at + round_up(header.n_descsz);
        if (next > notes.size() || next <= pos) {
            return false;
        }
        if (header.n_type == k_xen_elfnote_phys32_entry && header.n_namesz == 4 &&
            std::memcmp(notes.data() + name_at, "Xen", 4) == 0) {
            return true;
        }
        pos = next;
    }
    return false;
}

template <typename Ehdr, typename Phdr, typename Shdr>
std::vector<NoteRange> note_ranges(const Reader& read) {
    Ehdr ehdr;
    if (!read(0, sizeof(ehdr), &ehdr)) {
        return {};
    }
    std::vector<NoteRange> ranges;
    if (ehdr.e_phentsize == sizeof(Phdr) && ehdr.e_phnum < k_max_headers) {
        for (unsigned i = 0; i < ehdr.e_phnum; ++i) {
            Phdr phdr;
            if (!read(ehdr.e_phoff + std::uint64_t{i} * sizeof(Phdr), sizeof(phdr), &phdr)) {
                return {};
            }
            if (phdr.p_type == PT_NOTE) {
                ranges.push_back({phdr.p_offset, phdr.p_filesz, phdr.p_align});
            }
        }
    }
    if (ranges.empty() && ehdr.e_shentsize == sizeof(Shdr) && ehdr.e_shnum < k_max_headers) {
        for (unsigned i = 0; i < ehdr.e_shnum; ++i) {
            Shdr shdr;
            if (!read(ehdr.e_shoff + std::uint64_t{i} * sizeof(Shdr), sizeof(shdr), &shdr)) {
                return {};
            }
            if (shdr.sh_type == SHT_NOTE) {
                ranges.push_back({shdr.sh_offset, shdr.sh_size, shdr.sh_addralign});
            }
        }
    }
    return ranges;
}

bool has_pvh_note_with(const Reader& read) {
    unsigned char ident[EI_NIDENT];
    if (!read(0, sizeof(ident), ident) || std::memcmp(ident, ELFMAG, SELFMAG) != 0 ||
        ident[EI_DATA] != ELFDATA2LSB) {
        return false;
    }
    std::vector<NoteRange> ranges;
    if (ident[EI_CLASS] == ELFCLASS64) {
        ranges = note_ranges<Elf64_Ehdr, Elf64_Phdr, Elf64_Shdr>(read);
    } else if (ident[EI_CLASS] == ELFCLASS32) {
        ranges = note_ranges<Elf32_Ehdr, Elf32_Phdr, Elf32_Shdr>(read);
    }
    for (const NoteRange& range : ranges) {
        if (range.size > k_max_note_bytes) {
            continue;
        }
        std::vector<std::byte> notes(range.size);
        if (read(range.offset, notes.size(), notes.data()) && notes_contain_pvh(notes, range.align)) {
            return true;
        }
    }
    return false;
}

}  // namespace

bool is_elf(std::span<const std::byte> bytes) {
    return bytes.size() >= SELFMAG && std::memcmp(bytes.data(), ELFMAG, SELFMAG) == 0;
}

bool has_pvh_note(std::span<const std::byte> elf) {
    return has_pvh_note_with([elf](std::uint64_t offset, std::size_t size, void* out) {
        if (offset > elf.size() || size > elf.size() - offset) {
            return false;
        }
        std::memcpy(out, elf.data() + offset, size);
        return true;
    });
}

bool has_pvh_note(const std::filesystem::path& elf_path) {
    int fd = ::open(elf_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw BootError("cannot open " + elf_path.string() + ": " + std::strerror(errno));
    }
    bool found = has_pvh_note_with([fd](std::uint64_t offset, std::size_t size, void* out) {
        auto* cursor = static_cast<char*>(out);
        while (size > 0) {
            ssize_t n = ::pread(fd, cursor, size, static_cast<off_t>(offset));
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                return false;
            }
            cursor += n;
            offset += static_cast<std::uint64_t>(n);
            size -= static_cast<std::size_t>(n);
        }
        return true;
    });
    ::close(fd);
    return found;
}

}  // namespace vmtest::boot
