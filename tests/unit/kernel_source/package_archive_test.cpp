#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../boot/test_support.hpp"
#include "kernel_source/kernel_source_error.hpp"
#include "kernel_source/package_archive.hpp"
#include "test_archives.hpp"

namespace vmtest::kernel_source {
namespace {

namespace fs = std::filesystem;
using test::ArchiveEntry;
using Type = ArchiveEntry::Type;

const std::vector<ArchiveEntry> k_installed_kernel = {
    {"./", "", Type::directory},
    {"./boot/", "", Type::directory},
    {"./boot/vmlinuz-6.99.0-test", "kernel image"},
    {"./lib/modules/6.99.0-test/kernel/fs/9p/9p.ko.xz", "module"},
    {"./lib/modules/6.99.0-test/modules.order", "kernel/fs/9p/9p.ko\n"},
    {"./usr/share/doc/linux-image-test/changelog", "notes"},
    {"./lib/modules/6.99.0-test/build", "/usr/src/linux-headers-6.99.0-test", Type::symlink},
};

class PackageArchiveTest : public ::testing::Test {
  protected:
    fs::path write(const std::string& name, const std::string& bytes) {
        const fs::path path = m_dir.path() / name;
        test::write_binary(path, bytes);
        return path;
    }

    void expect_installed_kernel(const fs::path& root) {
        EXPECT_EQ(boot::test::read_text(root / "boot/vmlinuz-6.99.0-test"), "kernel image");
        EXPECT_EQ(boot::test::read_text(root / "lib/modules/6.99.0-test/kernel/fs/9p/9p.ko.xz"),
                  "module");
        EXPECT_EQ(fs::read_symlink(root / "lib/modules/6.99.0-test/build"),
                  "/usr/src/linux-headers-6.99.0-test");
    }

    boot::test::TempDir m_dir;
    fs::path m_out = m_dir.path() / "out";
};

TEST_F(PackageArchiveTest, TellsPackagesTarballsAndOtherFilesApart) {
    EXPECT_EQ(archive_kind(write("k.deb", test::make_deb(k_installed_kernel))), ArchiveKind::deb);
    for (const std::string filter : {"none", "gzip", "xz", "zstd"}) {
        EXPECT_EQ(
            archive_kind(write("k.tar." + filter, test::make_tarball(k_installed_kernel, filter))),
            ArchiveKind::tarball)
            << filter;
    }
    const auto bzimage =
        boot::test::make_bzimage("6.99.0-test (x@y) #1", boot::test::to_bytes("z"), 1);
    boot::test::write_bytes(m_dir.path() / "bzImage", bzimage);
    EXPECT_EQ(archive_kind(m_dir.path() / "bzImage"), ArchiveKind::none);
    EXPECT_EQ(archive_kind(write("text", "just some text, not an archive\n")), ArchiveKind::none);
    EXPECT_THROW((void)archive_kind(m_dir.path() / "missing"), KernelSourceError);
}

TEST_F(PackageArchiveTest, UnpacksADebsDataWithXzOrZstd) {
    for (const std::string compression : {"xz", "zstd"}) {
        const auto out = m_out / compression;
        fs::create_directories(out);
        extract_deb(
            write("k-" + compression + ".deb", test::make_deb(k_installed_kernel, compression)),
            out);
        expect_installed_kernel(out);
        EXPECT_FALSE(fs::exists(out / "control")) << "only data.tar belongs to the tree";
        EXPECT_FALSE(fs::exists(out / "debian-binary"));
    }
}

TEST_F(PackageArchiveTest, UnpacksATarball) {
    fs::create_directories(m_out);
    extract_tarball(write("k.tar.gz", test::make_tarball(k_installed_kernel, "gzip")), m_out);
    expect_installed_kernel(m_out);
}

TEST_F(PackageArchiveTest, RefusesEntriesOutsideTheTree) {
    for (const std::string name : {"../escaped", "/etc/escaped", "./lib/../../escaped"}) {
        fs::create_directories(m_out);
        const auto tarball = write("evil.tar", test::make_tarball({{name, "x"}}, "none"));
        try {
            extract_tarball(tarball, m_out);
            FAIL() << name;
        } catch (const KernelSourceError& error) {
            EXPECT_EQ(std::string(error.what()),
                      tarball.string() + " holds an entry outside its own tree: '" + name + "'");
        }
        EXPECT_FALSE(fs::exists(m_dir.path() / "escaped"));
        EXPECT_FALSE(fs::exists("/etc/escaped"));
    }
}

TEST_F(PackageArchiveTest, NeverWritesThroughALinkItCreated) {
    fs::create_directories(m_out);
    const auto tarball =
        write("links.tar",
              test::make_tarball(
                  {{"lib", m_dir.path().string(), Type::symlink}, {"lib/planted", "x"}}, "none"));
    EXPECT_THROW(extract_tarball(tarball, m_out), KernelSourceError);
    EXPECT_FALSE(fs::exists(m_dir.path() / "planted"));
}

TEST_F(PackageArchiveTest, AnArArchiveWithoutDataIsNotAPackage) {
    fs::create_directories(m_out);
    const auto not_deb = write("lib.a", "!<arch>\n");
    EXPECT_EQ(archive_kind(not_deb), ArchiveKind::deb);
    try {
        extract_deb(not_deb, m_out);
        FAIL();
    } catch (const KernelSourceError& error) {
        EXPECT_EQ(std::string(error.what()),
                  not_deb.string() + " is not a Debian package: it has no data.tar member");
    }
}

TEST_F(PackageArchiveTest, ACorruptPackageNamesIt) {
    fs::create_directories(m_out);
    std::string deb = test::make_deb(k_installed_kernel);
    deb.resize(deb.size() / 2);
    const auto path = write("cut.deb", deb);
    try {
        extract_deb(path, m_out);
        FAIL();
    } catch (const KernelSourceError& error) {
        EXPECT_THAT(error.what(), ::testing::HasSubstr(path.string()));
    }
}

} // namespace
} // namespace vmtest::kernel_source
