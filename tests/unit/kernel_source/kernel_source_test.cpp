// The resolver end to end, on small kernels built here: a fake bzImage that
// says it is release 6.99.0-test, packaged as .deb and tarball, installed
// into directories, served over loopback HTTP.
#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../boot/test_support.hpp"
#include "kernel_source/kernel_source.hpp"
#include "kernel_source/kernel_source_error.hpp"
#include "kernel_source/sha256.hpp"
#include "loopback_http_server.hpp"
#include "test_archives.hpp"

namespace vmtest::kernel_source {
namespace {

namespace fs = std::filesystem;
using test::ArchiveEntry;
using ::testing::HasSubstr;

constexpr const char* k_release = "6.99.0-test";

std::string fake_bzimage() {
    const auto image = boot::test::make_bzimage(std::string(k_release) + " (builder@host) #1 SMP",
                                                boot::test::to_bytes("payload"), 7);
    return boot::test::to_string(image);
}

// Debian's arm64 vmlinuz is an uncompressed arm64 Image.
std::string fake_arm64_image() {
    return boot::test::to_string(
        boot::test::make_arm64_image(std::string(k_release) + " (builder@host) #1 SMP", 4096));
}

std::vector<ArchiveEntry> image_entries(const std::string& image = fake_bzimage()) {
    return {{"./boot/vmlinuz-" + std::string(k_release), image}};
}

std::vector<ArchiveEntry> module_entries() {
    const std::string dir = "./lib/modules/" + std::string(k_release) + "/";
    return {{dir + "modules.order", "kernel/fs/9p/9p.ko\n"}, {dir + "kernel/fs/9p/9p.ko", "m"}};
}

std::vector<ArchiveEntry> operator+(std::vector<ArchiveEntry> a,
                                    const std::vector<ArchiveEntry>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

ino_t inode_of(const fs::path& path) {
    struct stat status {};
    ::stat(path.c_str(), &status);
    return status.st_ino;
}

class KernelSourceTest : public ::testing::Test {
  protected:
    fs::path write(const std::string& name, const std::string& bytes) {
        const fs::path path = m_dir.path() / name;
        test::write_binary(path, bytes);
        return path;
    }

    // A package (.deb or tarball) of an installed kernel resolves to its
    // unpacked image and modules.
    void expect_package_unpacked_with_its_modules(const fs::path& package) {
        const auto t = resolved(target(package));
        EXPECT_EQ(t.kernel, package_entry(package) / "boot/vmlinuz-6.99.0-test");
        EXPECT_EQ(t.modules, package_entry(package) / "lib/modules/6.99.0-test");
    }

    // A directory with `image` as its boot/vmlinuz-* and its modules beside
    // it resolves to both, in place: nothing is unpacked.
    void expect_installed_directory_used_in_place(const std::string& image) {
        const fs::path root = m_dir.path() / "installed";
        write("installed/boot/vmlinuz-6.99.0-test", image);
        write("installed/lib/modules/6.99.0-test/modules.dep", "");
        const auto t = resolved(target(root));
        EXPECT_EQ(t.kernel, root / "boot/vmlinuz-6.99.0-test");
        EXPECT_EQ(t.modules, root / "lib/modules/6.99.0-test");
        EXPECT_FALSE(fs::exists(m_cache / "kernel-sources/packages"));
    }

    config::Target target(const fs::path& kernel, std::optional<fs::path> modules = std::nullopt) {
        config::Target t;
        t.name = "t";
        t.command = "true";
        t.kernel = kernel;
        t.modules = std::move(modules);
        return t;
    }

    config::Target resolved(config::Target t) {
        KernelSourceResolver(m_cache).resolve(t);
        return t;
    }

    std::string error_of(config::Target t) {
        try {
            KernelSourceResolver(m_cache).resolve(t);
        } catch (const KernelSourceError& error) {
            return error.what();
        }
        ADD_FAILURE() << "no error";
        return "";
    }

    fs::path package_entry(const fs::path& archive) {
        return m_cache / "kernel-sources/packages" / sha256_file(archive).substr(0, 32);
    }

    boot::test::TempDir m_dir;
    fs::path m_cache = m_dir.path() / "cache";
};

TEST_F(KernelSourceTest, ADebIsUnpackedOnceAndBootsWithItsOwnModules) {
    const auto deb =
        write("linux-image-test.deb", test::make_deb(image_entries() + module_entries()));
    const auto first = resolved(target(deb));
    const fs::path entry = package_entry(deb);
    EXPECT_EQ(first.kernel, entry / "boot/vmlinuz-6.99.0-test");
    EXPECT_EQ(first.modules, entry / "lib/modules/6.99.0-test");

    const ino_t unpacked = inode_of(entry);
    const auto again = resolved(target(deb));
    EXPECT_EQ(again.kernel, first.kernel);
    EXPECT_EQ(inode_of(entry), unpacked) << "a second run must reuse the unpacked copy";
    EXPECT_TRUE(fs::is_empty(m_cache / "kernel-sources/staging"));
}

TEST_F(KernelSourceTest, ATarballOfAnInstalledKernel) {
    const auto tarball =
        write("kernel.tar.zst", test::make_tarball(image_entries() + module_entries(), "zstd"));
    expect_package_unpacked_with_its_modules(tarball);
}

TEST_F(KernelSourceTest, AnInstalledKernelDirectoryIsUsedInPlace) {
    expect_installed_directory_used_in_place(fake_bzimage());
}

TEST_F(KernelSourceTest, ABuildTreeGivesItsBzImageAndItsModulesOrder) {
    const fs::path tree = m_dir.path() / "linux";
    write("linux/arch/x86/boot/bzImage", fake_bzimage());
    write("linux/modules.order", "fs/9p/9p.o\n");
    const auto t = resolved(target(tree));
    EXPECT_EQ(t.kernel, tree / "arch/x86/boot/bzImage");
    EXPECT_EQ(t.modules, tree);
}

TEST_F(KernelSourceTest, AnArm64DebBootsItsImageWithItsOwnModules) {
    const auto deb = write("linux-image-arm64.deb",
                           test::make_deb(image_entries(fake_arm64_image()) + module_entries()));
    expect_package_unpacked_with_its_modules(deb);
}

TEST_F(KernelSourceTest, AnArm64InstalledKernelDirectory) {
    expect_installed_directory_used_in_place(fake_arm64_image());
}

TEST_F(KernelSourceTest, AnArm64BuildTreeGivesItsImageGzAndItsModulesOrder) {
    const fs::path tree = m_dir.path() / "linux";
    write("linux/arch/arm64/boot/Image.gz",
          boot::test::to_string(boot::test::compress_gzip(boot::test::to_bytes(fake_arm64_image()))));
    write("linux/modules.order", "fs/9p/9p.o\n");
    const auto t = resolved(target(tree));
    EXPECT_EQ(t.kernel, tree / "arch/arm64/boot/Image.gz");
    EXPECT_EQ(t.modules, tree);
}

TEST_F(KernelSourceTest, ModulesFromASecondPackageAsUbuntuMainlineSplitsThem) {
    const auto image = write("linux-image-unsigned.deb", test::make_deb(image_entries()));
    const auto modules = write("linux-modules.deb", test::make_deb(module_entries(), "zstd"));
    const auto without = resolved(target(image));
    EXPECT_EQ(without.modules, std::nullopt) << "no modules of its own: the rootfs's or host's";
    const auto t = resolved(target(image, modules));
    EXPECT_EQ(t.modules, package_entry(modules) / "lib/modules/6.99.0-test");
}

TEST_F(KernelSourceTest, ModulesOfAnInstallModPathForAPlainImage) {
    const auto image = write("bzImage", fake_bzimage());
    write("mods/lib/modules/6.99.0-test/modules.dep", "");
    const auto plain = resolved(target(image));
    EXPECT_EQ(plain.kernel, image);
    EXPECT_EQ(plain.modules, std::nullopt);
    const auto t = resolved(target(image, m_dir.path() / "mods"));
    EXPECT_EQ(t.modules, m_dir.path() / "mods/lib/modules/6.99.0-test");
}

TEST_F(KernelSourceTest, ModulesOfAnotherReleaseSayWhatIsThere) {
    const auto image = write("bzImage", fake_bzimage());
    fs::create_directories(m_dir.path() / "mods/lib/modules/6.1.0-old");
    EXPECT_EQ(error_of(target(image, m_dir.path() / "mods")),
              "modules " + (m_dir.path() / "mods").string() +
                  " have none for kernel release 6.99.0-test (no lib/modules/6.99.0-test, "
                  "usr/lib/modules/6.99.0-test, modules.dep or modules.order; there is "
                  "lib/modules/6.1.0-old)");
    EXPECT_EQ(error_of(target(image, m_dir.path() / "nowhere")),
              "modules " + (m_dir.path() / "nowhere").string() + " do not exist");
    EXPECT_EQ(error_of(target(image, image)),
              "modules " + image.string() +
                  " are neither a directory, a .deb package nor a tarball");
}

TEST_F(KernelSourceTest, AUrlIsDownloadedOncePerRunAndCheckedAgainstItsPin) {
    test::LoopbackHttpServer server;
    const std::string deb = test::make_deb(image_entries() + module_entries());
    server.serve("/linux-image.deb", test::LoopbackHttpServer::Resource(deb).with_etag("\"1\""));
    auto pinned = target(server.url("/linux-image.deb"));
    pinned.kernel_sha256 = sha256_hex(deb);
    std::vector<config::Target> targets{pinned, pinned};
    resolve_kernel_sources(targets, m_cache);
    EXPECT_EQ(server.requests().size(), 1U);
    const fs::path entry = m_cache / "kernel-sources/packages" / sha256_hex(deb).substr(0, 32);
    EXPECT_EQ(targets[1].kernel, entry / "boot/vmlinuz-6.99.0-test");
    EXPECT_EQ(targets[1].modules, entry / "lib/modules/6.99.0-test");

    auto wrong = target(server.url("/linux-image.deb"));
    wrong.kernel_sha256 = std::string(64, '0');
    EXPECT_THAT(error_of(wrong), HasSubstr("but kernel_sha256 is " + std::string(64, '0')));
}

TEST_F(KernelSourceTest, WhatTheRunReportsItselfIsLeftAlone) {
    const auto missing = target(m_dir.path() / "no-such-kernel");
    EXPECT_EQ(resolved(missing).kernel, m_dir.path() / "no-such-kernel");
    config::Target image;
    image.image = m_dir.path() / "disk.qcow2";
    EXPECT_EQ(resolved(image).kernel, std::nullopt);
    EXPECT_FALSE(fs::exists(m_cache));
}

TEST_F(KernelSourceTest, ADirectoryWithoutAKernelIsAnError) {
    fs::create_directories(m_dir.path() / "empty");
    EXPECT_THAT(error_of(target(m_dir.path() / "empty")), HasSubstr("holds no kernel"));
}

} // namespace
} // namespace vmtest::kernel_source
