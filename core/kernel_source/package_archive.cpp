#include "kernel_source/package_archive.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include "kernel_source/kernel_source_error.hpp"
#include "util/cancellation.hpp"

namespace vmtest::kernel_source {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_ar_magic = "!<arch>\n";
constexpr std::size_t k_block_size = 1 << 16;

struct ReaderDeleter {
    void operator()(archive* reader) const { archive_read_free(reader); }
};
struct WriterDeleter {
    void operator()(archive* writer) const { archive_write_free(writer); }
};
using Reader = std::unique_ptr<archive, ReaderDeleter>;
using Writer = std::unique_ptr<archive, WriterDeleter>;

std::string error_of(archive* a) {
    const char* text = archive_error_string(a);
    return text != nullptr ? text : "unknown libarchive error";
}

Reader new_tar_reader() {
    Reader reader(archive_read_new());
    archive_read_support_filter_all(reader.get());
    archive_read_support_format_tar(reader.get());
    return reader;
}

// "./lib/modules/6.12/x.ko" -> "lib/modules/6.12/x.ko"; nullopt for names
// that would leave the destination.
std::optional<fs::path> safe_relative_name(const char* name) {
    if (name == nullptr) {
        return std::nullopt;
    }
    const fs::path path = fs::path(name).lexically_normal();
    if (path.is_absolute()) {
        return std::nullopt;
    }
    for (const auto& part : path) {
        if (part == "..") {
            return std::nullopt;
        }
    }
    if (path.empty() || path == ".") {
        return fs::path(".");
    }
    return path;
}

// Unpacks every entry `reader` (positioned before its first header) yields.
// `what` names the archive in errors.
void unpack(archive* reader, const fs::path& destination, const std::string& what) {
    Writer writer(archive_write_disk_new());
    // No owners or modes from the archive beyond the permission bits, and
    // never through a symbolic link it created.
    archive_write_disk_set_options(writer.get(), ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM |
                                                     ARCHIVE_EXTRACT_SECURE_SYMLINKS);
    archive_entry* entry = nullptr;
    for (;;) {
        if (util::cancellation_requested()) {
            throw KernelSourceError("unpacking " + what + ": interrupted");
        }
        const int status = archive_read_next_header(reader, &entry);
        if (status == ARCHIVE_EOF) {
            break;
        }
        if (status < ARCHIVE_WARN) {
            throw KernelSourceError("cannot read " + what + ": " + error_of(reader));
        }
        const auto name = safe_relative_name(archive_entry_pathname(entry));
        if (!name) {
            throw KernelSourceError(what + " holds an entry outside its own tree: '" +
                                    std::string(archive_entry_pathname(entry)) + "'");
        }
        const auto type = archive_entry_filetype(entry);
        if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK) {
            continue;
        }
        archive_entry_set_perm(entry, archive_entry_perm(entry) & 0777);
        archive_entry_set_pathname(entry, (destination / *name).lexically_normal().c_str());
        if (const char* link = archive_entry_hardlink(entry)) {
            const auto target = safe_relative_name(link);
            if (!target) {
                throw KernelSourceError(what + " holds a hard link outside its own tree: '" +
                                        std::string(link) + "'");
            }
            archive_entry_set_hardlink(entry, (destination / *target).c_str());
        }
        if (archive_write_header(writer.get(), entry) < ARCHIVE_WARN) {
            throw KernelSourceError("cannot unpack " + what + ": " + error_of(writer.get()));
        }
        const void* block = nullptr;
        std::size_t size = 0;
        la_int64_t offset = 0;
        for (;;) {
            const int read = archive_read_data_block(reader, &block, &size, &offset);
            if (read == ARCHIVE_EOF) {
                break;
            }
            if (read < ARCHIVE_WARN) {
                throw KernelSourceError("cannot read " + what + ": " + error_of(reader));
            }
            if (archive_write_data_block(writer.get(), block, size, offset) < ARCHIVE_WARN) {
                throw KernelSourceError("cannot unpack " + what + ": " + error_of(writer.get()));
            }
        }
        if (archive_write_finish_entry(writer.get()) < ARCHIVE_WARN) {
            throw KernelSourceError("cannot unpack " + what + ": " + error_of(writer.get()));
        }
    }
    if (archive_write_close(writer.get()) < ARCHIVE_WARN) {
        throw KernelSourceError("cannot unpack " + what + ": " + error_of(writer.get()));
    }
}

// The inner data.tar is read straight out of the outer ar archive.
struct MemberStream {
    archive* outer;
    std::array<char, k_block_size> buffer;
};

la_ssize_t read_member(archive*, void* client, const void** block) {
    auto& stream = *static_cast<MemberStream*>(client);
    *block = stream.buffer.data();
    return archive_read_data(stream.outer, stream.buffer.data(), stream.buffer.size());
}

bool is_data_member(std::string_view name) {
    return name == "data.tar" || name.rfind("data.tar.", 0) == 0;
}

} // namespace

ArchiveKind archive_kind(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw KernelSourceError("cannot read " + file.string() + ": " + std::strerror(errno));
    }
    std::string head(k_ar_magic.size(), '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    if (in.gcount() == static_cast<std::streamsize>(head.size()) && head == k_ar_magic) {
        return ArchiveKind::deb;
    }
    // libarchive decides: the filters (gzip, xz, zstd, ...) and tar's header
    // checksum make a false positive on a kernel image practically impossible.
    Reader reader = new_tar_reader();
    archive_entry* entry = nullptr;
    if (archive_read_open_filename(reader.get(), file.c_str(), k_block_size) == ARCHIVE_OK &&
        archive_read_next_header(reader.get(), &entry) == ARCHIVE_OK) {
        return ArchiveKind::tarball;
    }
    return ArchiveKind::none;
}

void extract_deb(const fs::path& deb, const fs::path& destination) {
    const std::string what = deb.string();
    Reader outer(archive_read_new());
    archive_read_support_format_ar(outer.get());
    if (archive_read_open_filename(outer.get(), deb.c_str(), k_block_size) != ARCHIVE_OK) {
        throw KernelSourceError("cannot read " + what + ": " + error_of(outer.get()));
    }
    archive_entry* entry = nullptr;
    for (;;) {
        const int status = archive_read_next_header(outer.get(), &entry);
        if (status == ARCHIVE_EOF) {
            throw KernelSourceError(what + " is not a Debian package: it has no data.tar member");
        }
        if (status < ARCHIVE_WARN) {
            throw KernelSourceError("cannot read " + what + ": " + error_of(outer.get()));
        }
        const char* name = archive_entry_pathname(entry);
        if (name != nullptr && is_data_member(name)) {
            break;
        }
    }
    auto stream = std::make_unique<MemberStream>();
    stream->outer = outer.get();
    Reader inner = new_tar_reader();
    const std::string member = what + " (" + archive_entry_pathname(entry) + ")";
    if (archive_read_open(inner.get(), stream.get(), nullptr, read_member, nullptr) != ARCHIVE_OK) {
        throw KernelSourceError("cannot read " + member + ": " + error_of(inner.get()));
    }
    unpack(inner.get(), destination, member);
}

void extract_tarball(const fs::path& tarball, const fs::path& destination) {
    Reader reader = new_tar_reader();
    if (archive_read_open_filename(reader.get(), tarball.c_str(), k_block_size) != ARCHIVE_OK) {
        throw KernelSourceError("cannot read " + tarball.string() + ": " + error_of(reader.get()));
    }
    unpack(reader.get(), destination, tarball.string());
}

} // namespace vmtest::kernel_source
