#include "test_archives.hpp"

#include <fstream>
#include <memory>
#include <stdexcept>

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

namespace vmtest::test {
namespace {

struct WriterDeleter {
    void operator()(archive* a) const { archive_write_free(a); }
};
struct ReaderDeleter {
    void operator()(archive* a) const { archive_read_free(a); }
};
struct EntryDeleter {
    void operator()(archive_entry* e) const { archive_entry_free(e); }
};

void check(int status, archive* a) {
    if (status < ARCHIVE_WARN) {
        throw std::runtime_error(archive_error_string(a) ? archive_error_string(a) : "libarchive");
    }
}

la_ssize_t append_to_string(archive*, void* client, const void* data, std::size_t size) {
    static_cast<std::string*>(client)->append(static_cast<const char*>(data), size);
    return static_cast<la_ssize_t>(size);
}

// Writes with `configure` choosing format and filters, into a string.
template <typename Configure, typename Fill>
std::string write_archive(Configure configure, Fill fill) {
    std::string out;
    std::unique_ptr<archive, WriterDeleter> writer(archive_write_new());
    configure(writer.get());
    // Default block padding would make ar members' sizes odd; none is needed.
    archive_write_set_bytes_in_last_block(writer.get(), 1);
    check(archive_write_open(writer.get(), &out, nullptr, append_to_string, nullptr), writer.get());
    fill(writer.get());
    check(archive_write_close(writer.get()), writer.get());
    return out;
}

void add_entry(archive* writer, const ArchiveEntry& entry) {
    std::unique_ptr<archive_entry, EntryDeleter> header(archive_entry_new());
    archive_entry_set_pathname(header.get(), entry.name.c_str());
    archive_entry_set_mtime(header.get(), 1700000000, 0);
    switch (entry.type) {
    case ArchiveEntry::Type::file:
        archive_entry_set_filetype(header.get(), AE_IFREG);
        archive_entry_set_perm(header.get(), 0644);
        archive_entry_set_size(header.get(), static_cast<la_int64_t>(entry.content.size()));
        break;
    case ArchiveEntry::Type::directory:
        archive_entry_set_filetype(header.get(), AE_IFDIR);
        archive_entry_set_perm(header.get(), 0755);
        break;
    case ArchiveEntry::Type::symlink:
        archive_entry_set_filetype(header.get(), AE_IFLNK);
        archive_entry_set_perm(header.get(), 0777);
        archive_entry_set_symlink(header.get(), entry.content.c_str());
        break;
    }
    check(archive_write_header(writer, header.get()), writer);
    if (entry.type == ArchiveEntry::Type::file && !entry.content.empty()) {
        archive_write_data(writer, entry.content.data(), entry.content.size());
    }
}

void add_filter(archive* writer, const std::string& filter) {
    if (filter == "gzip") {
        archive_write_add_filter_gzip(writer);
    } else if (filter == "xz") {
        archive_write_add_filter_xz(writer);
    } else if (filter == "zstd") {
        archive_write_add_filter_zstd(writer);
    } else if (filter != "none") {
        throw std::invalid_argument("unknown filter " + filter);
    }
}

} // namespace

std::string make_tarball(const std::vector<ArchiveEntry>& entries, const std::string& filter) {
    return write_archive(
        [&](archive* writer) {
            archive_write_set_format_pax_restricted(writer);
            add_filter(writer, filter);
        },
        [&](archive* writer) {
            for (const auto& entry : entries) {
                add_entry(writer, entry);
            }
        });
}

std::string make_deb(const std::vector<ArchiveEntry>& entries, const std::string& compression) {
    const std::string control = make_tarball(
        {{"./control", "Package: linux-image-test\nVersion: 1\nArchitecture: amd64\n"}}, "xz");
    const std::string data = make_tarball(entries, compression);
    const std::vector<ArchiveEntry> members = {
        {"debian-binary", "2.0\n"},
        {"control.tar.xz", control},
        {"data.tar." + std::string(compression == "zstd" ? "zst" : compression), data}};
    return write_archive([](archive* writer) { archive_write_set_format_ar_svr4(writer); },
                         [&](archive* writer) {
                             for (const auto& member : members) {
                                 add_entry(writer, member);
                             }
                         });
}

void write_binary(const std::filesystem::path& path, const std::string& bytes) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
}

namespace {

struct Member {
    archive* outer;
    char buffer[1 << 16];
};

la_ssize_t read_member(archive*, void* client, const void** block) {
    auto& member = *static_cast<Member*>(client);
    *block = member.buffer;
    return archive_read_data(member.outer, member.buffer, sizeof member.buffer);
}

} // namespace

void unpack_deb(const std::filesystem::path& deb, const std::filesystem::path& destination) {
    std::unique_ptr<archive, ReaderDeleter> outer(archive_read_new());
    archive_read_support_format_ar(outer.get());
    ASSERT_EQ(archive_read_open_filename(outer.get(), deb.c_str(), 1 << 16), ARCHIVE_OK);
    archive_entry* entry = nullptr;
    while (archive_read_next_header(outer.get(), &entry) == ARCHIVE_OK) {
        if (std::string(archive_entry_pathname(entry)).rfind("data.tar", 0) != 0) {
            continue;
        }
        auto member = std::make_unique<Member>();
        member->outer = outer.get();
        std::unique_ptr<archive, ReaderDeleter> inner(archive_read_new());
        archive_read_support_filter_all(inner.get());
        archive_read_support_format_tar(inner.get());
        ASSERT_EQ(archive_read_open(inner.get(), member.get(), nullptr, read_member, nullptr),
                  ARCHIVE_OK);
        std::filesystem::create_directories(destination);
        archive_entry* file = nullptr;
        while (archive_read_next_header(inner.get(), &file) == ARCHIVE_OK) {
            const std::string path = (destination / archive_entry_pathname(file)).string();
            archive_entry_set_pathname(file, path.c_str());
            ASSERT_GE(archive_read_extract(inner.get(), file, ARCHIVE_EXTRACT_TIME), ARCHIVE_WARN)
                << archive_error_string(inner.get());
        }
        return;
    }
    FAIL() << deb << " has no data.tar member";
}

} // namespace vmtest::test
