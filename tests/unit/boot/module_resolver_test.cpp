#include "boot/boot_error.hpp"
#include "boot/modinfo.hpp"
#include "boot/module_resolver.hpp"
#include "test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vmtest::boot {
namespace {

class ModuleResolverTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_modules = m_dir.path() / "lib/modules/6.9.0-test";
        // Dependencies are listed deepest last, like depmod does.
        test::write_text(m_modules / "modules.dep",
                         "kernel/drivers/virtio/virtio_ring.ko:\n"
                         "kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko\n"
                         "kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_modern_dev.ko "
                         "kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko\n"
                         "kernel/drivers/virtio/virtio_pci_modern_dev.ko:\n"
                         "kernel/net/9p/9pnet.ko.xz:\n"
                         "kernel/net/9p/9pnet_virtio.ko.zst: kernel/net/9p/9pnet.ko.xz "
                         "kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko\n"
                         "kernel/fs/fuse/virtio-fs.ko.gz: kernel/drivers/virtio/virtio.ko "
                         "kernel/drivers/virtio/virtio_ring.ko\n");
        test::write_text(m_modules / "modules.builtin",
                         "kernel/fs/overlayfs/overlay.ko\nkernel/fs/9p/9p.ko\n");
    }

    std::vector<std::string> names(const ModuleResolution& resolution) {
        std::vector<std::string> result;
        for (const auto& path : resolution.modules) {
            EXPECT_EQ(path.string().rfind(m_modules.string(), 0), 0U) << path;
            result.push_back(path.filename().string());
        }
        return result;
    }

    test::TempDir m_dir;
    std::filesystem::path m_modules;
};

TEST_F(ModuleResolverTest, ResolvesDependenciesFirstWithoutDuplicates) {
    auto resolution = resolve_modules({"virtio_pci", "9pnet-virtio", "virtio_fs", "9p", "overlay"},
                                      {m_dir.path() / "missing", m_modules}, "6.9.0-test");
    EXPECT_TRUE(resolution.modules_dir_found);
    EXPECT_EQ(resolution.modules_dir, m_modules);
    EXPECT_EQ(names(resolution),
              (std::vector<std::string>{"virtio_ring.ko", "virtio.ko", "virtio_pci_modern_dev.ko",
                                        "virtio_pci.ko", "9pnet.ko.xz", "9pnet_virtio.ko.zst",
                                        "virtio-fs.ko.gz"}));
    EXPECT_EQ(resolution.builtin, (std::vector<std::string>{"9p", "overlay"}));
}

TEST_F(ModuleResolverTest, FirstExistingCandidateWins) {
    auto other = m_dir.path() / "other";
    test::write_text(other / "modules.dep", "kernel/a/virtio.ko:\n");
    auto resolution = resolve_modules({"virtio"}, {other, m_modules}, "6.9.0-test");
    EXPECT_EQ(resolution.modules_dir, other);
    ASSERT_EQ(resolution.modules.size(), 1U);
    EXPECT_EQ(resolution.modules[0], other / "kernel/a/virtio.ko");
}

TEST_F(ModuleResolverTest, NoModulesDirectoryIsNotAnError) {
    auto resolution = resolve_modules({"virtio_pci"}, {m_dir.path() / "none"}, "6.9.0-test");
    EXPECT_FALSE(resolution.modules_dir_found);
    EXPECT_TRUE(resolution.modules.empty());
}

TEST_F(ModuleResolverTest, MissingModuleThrowsOneClearLine) {
    try {
        (void)resolve_modules({"virtio_pci", "virtiofs"}, {m_modules}, "6.9.0-test");
        FAIL() << "expected MissingModuleError";
    } catch (const MissingModuleError& error) {
        EXPECT_EQ(std::string(error.what()),
                  "kernel 6.9.0-test has no module 'virtiofs' in " + m_modules.string() +
                      " (not in modules.dep or modules.builtin)");
    }
}

TEST_F(ModuleResolverTest, MissingDependencyNamesTheDependent) {
    test::write_text(m_modules / "modules.dep", "kernel/a.ko: kernel/b.ko\n");
    try {
        (void)resolve_modules({"a"}, {m_modules}, "6.9.0-test");
        FAIL() << "expected MissingModuleError";
    } catch (const MissingModuleError& error) {
        EXPECT_NE(std::string(error.what()).find("'b'"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("needed by 'a'"), std::string::npos) << error.what();
    }
}

TEST_F(ModuleResolverTest, DirectoryWithoutAnyModuleThrowsMissingModule) {
    auto empty = m_dir.path() / "empty";
    std::filesystem::create_directories(empty);
    try {
        (void)resolve_modules({"virtio"}, {empty}, "6.9.0-test");
        FAIL() << "expected MissingModuleError";
    } catch (const MissingModuleError& error) {
        EXPECT_EQ(std::string(error.what()),
                  "kernel 6.9.0-test has no module 'virtio' in " + empty.string() +
                      " (no virtio.ko file there, and not in modules.builtin)");
    }
}

// A kernel package or build tree: no modules.dep, so each needed module's
// own .modinfo says what it depends on.
class ModuleResolverWithoutModulesDep : public ::testing::Test {
protected:
    void add_module(const std::string& file, const std::string& depends, bool xz = false) {
        auto bytes = test::make_kernel_module({"license=GPL", "depends=" + depends, "intree=Y"});
        test::write_bytes(m_dir.path() / file, xz ? test::compress_xz(bytes) : bytes);
    }

    test::TempDir m_dir;
};

TEST_F(ModuleResolverWithoutModulesDep, BuildTreeModulesOrderListsObjectsBesideTheirModules) {
    // A 6.2+ build tree: modules.order names the .o, the .ko lies beside it.
    test::write_text(m_dir.path() / "modules.order",
                     "drivers/virtio/virtio_ring.o\ndrivers/virtio/virtio.o\n"
                     "net/9p/9pnet.o\nnet/9p/9pnet_virtio.o\nfs/netfs/netfs.o\nfs/9p/9p.o\n");
    test::write_text(m_dir.path() / "modules.builtin", "kernel/fs/overlayfs/overlay.ko\n");
    add_module("drivers/virtio/virtio_ring.ko", "");
    add_module("drivers/virtio/virtio.ko", "virtio_ring");
    add_module("net/9p/9pnet.ko", "");
    add_module("net/9p/9pnet_virtio.ko", "9pnet,virtio,virtio_ring");
    add_module("fs/netfs/netfs.ko", "");
    add_module("fs/9p/9p.ko", "netfs,9pnet");

    const auto resolution =
        resolve_modules({"9pnet-virtio", "9p", "overlay"}, {m_dir.path()}, "6.9.0-test");
    std::vector<std::string> order;
    for (const auto& path : resolution.modules) {
        EXPECT_TRUE(std::filesystem::exists(path)) << path;
        order.push_back(path.lexically_relative(m_dir.path()).string());
    }
    EXPECT_EQ(order, (std::vector<std::string>{"drivers/virtio/virtio_ring.ko",
                                               "drivers/virtio/virtio.ko", "net/9p/9pnet.ko",
                                               "net/9p/9pnet_virtio.ko", "fs/netfs/netfs.ko",
                                               "fs/9p/9p.ko"}));
    EXPECT_EQ(resolution.builtin, (std::vector<std::string>{"overlay"}));
}

TEST_F(ModuleResolverWithoutModulesDep, InstalledModulesOrderFindsCompressedFiles) {
    // A kernel package: "kernel/...ko" in modules.order, ".ko.xz" on disk.
    test::write_text(m_dir.path() / "modules.order", "kernel/net/9p/9pnet.ko\nkernel/fs/9p/9p.ko\n");
    add_module("kernel/net/9p/9pnet.ko.xz", "", true);
    add_module("kernel/fs/9p/9p.ko.xz", "9pnet", true);
    const auto resolution = resolve_modules({"9p"}, {m_dir.path()}, "6.9.0-test");
    ASSERT_EQ(resolution.modules.size(), 2U);
    EXPECT_EQ(resolution.modules[0], m_dir.path() / "kernel/net/9p/9pnet.ko.xz");
    EXPECT_EQ(resolution.modules[1], m_dir.path() / "kernel/fs/9p/9p.ko.xz");
}

TEST_F(ModuleResolverWithoutModulesDep, ListedButNotBuiltSaysSo) {
    test::write_text(m_dir.path() / "modules.order", "fs/9p/9p.o\n");
    try {
        (void)resolve_modules({"9p"}, {m_dir.path()}, "6.9.0-test");
        FAIL() << "expected MissingModuleError";
    } catch (const MissingModuleError& error) {
        EXPECT_THAT(error.what(), ::testing::HasSubstr("modules.order lists it, but " +
                                                       (m_dir.path() / "fs/9p/9p").string() +
                                                       ".ko does not exist"));
    }
}

TEST_F(ModuleResolverWithoutModulesDep, WithoutModulesOrderTheFilesAreFound) {
    add_module("extra/a.ko.xz", "b", true);
    add_module("extra/sub/b.ko", "");
    const auto resolution = resolve_modules({"a"}, {m_dir.path()}, "6.9.0-test");
    ASSERT_EQ(resolution.modules.size(), 2U);
    EXPECT_EQ(resolution.modules[0], m_dir.path() / "extra/sub/b.ko");
    EXPECT_EQ(resolution.modules[1], m_dir.path() / "extra/a.ko.xz");
}

TEST(Modinfo, ReadsKeyValueEntriesAndRejectsWhatIsNotAModule) {
    const auto module = test::make_kernel_module({"depends=a,b-c", "name=x", "vermagic=6.9 SMP"});
    const auto entries = read_modinfo(module, "x.ko");
    ASSERT_EQ(entries.size(), 3U);
    EXPECT_EQ(entries[2], (std::pair<std::string, std::string>{"vermagic", "6.9 SMP"}));
    EXPECT_THROW((void)read_modinfo(test::to_bytes("not an ELF file at all, not even close"), "y"),
                 BootError);
    EXPECT_THROW((void)read_modinfo(std::span(module).first(70), "truncated"), BootError);
}

TEST(ModuleNames, NormalizeAndStripSuffixes) {
    EXPECT_EQ(normalize_module_name("virtio-pci"), "virtio_pci");
    EXPECT_EQ(module_name_of("kernel/fs/9p/9p.ko"), "9p");
    EXPECT_EQ(module_name_of("/x/virtio-fs.ko.zst"), "virtio_fs");
    EXPECT_EQ(module_name_of("a/nf.kobj.ko.xz"), "nf.kobj");
}

TEST(ModuleResolverHost, ResolvesTheDebianKernelModules) {
    const auto installed = test::newest_installed_kernel();
    if (!installed) {
        GTEST_SKIP() << "no /boot/vmlinuz-* installed (install linux-image-amd64)";
    }
    const std::filesystem::path dir = "/lib/modules/" + installed->release;
    ASSERT_TRUE(std::filesystem::exists(dir / "modules.dep")) << installed->image << " has no " << dir;
    auto resolution = resolve_modules({"virtio_pci", "virtio_console", "9pnet_virtio", "9p", "overlay"},
                                      {dir}, installed->release);
    std::vector<std::string> found;
    for (const auto& path : resolution.modules) {
        EXPECT_TRUE(std::filesystem::exists(path)) << path;
        found.push_back(module_name_of(path));
    }
    auto position = [&found](const std::string& name) {
        return std::find(found.begin(), found.end(), name) - found.begin();
    };
    ASSERT_LT(position("9p"), static_cast<long>(found.size()));
    EXPECT_LT(position("virtio_ring"), position("virtio"));
    EXPECT_LT(position("virtio"), position("virtio_pci"));
    EXPECT_LT(position("9pnet"), position("9pnet_virtio"));
    EXPECT_LT(position("netfs"), position("9p"));
}

}  // namespace
}  // namespace vmtest::boot
