#include <gtest/gtest.h>

#include "../boot/test_support.hpp"
#include "kernel_source/kernel_source_error.hpp"
#include "kernel_source/kernel_tree.hpp"

namespace vmtest::kernel_source {
namespace {

namespace fs = std::filesystem;
using boot::test::write_text;

class KernelTreeTest : public ::testing::Test {
  protected:
    boot::test::TempDir m_dir;
    fs::path m_root = m_dir.path();
};

TEST_F(KernelTreeTest, InstalledKernelAsMakeInstallLeavesIt) {
    write_text(m_root / "boot/vmlinuz-6.99.0", "image");
    write_text(m_root / "boot/config-6.99.0", "config");
    write_text(m_root / "lib/modules/6.99.0/modules.dep", "");
    const auto kernel = inspect_kernel_directory(m_root);
    EXPECT_EQ(kernel.layout, KernelDirectory::Layout::installed);
    EXPECT_EQ(kernel.image, m_root / "boot/vmlinuz-6.99.0");
    EXPECT_EQ(find_modules_directory(m_root, "6.99.0"), m_root / "lib/modules/6.99.0");
}

TEST_F(KernelTreeTest, MergedUsrAndATopLevelImage) {
    write_text(m_root / "vmlinuz-6.99.0", "image");
    fs::create_directories(m_root / "usr/lib/modules/6.99.0");
    EXPECT_EQ(inspect_kernel_directory(m_root).image, m_root / "vmlinuz-6.99.0");
    EXPECT_EQ(find_modules_directory(m_root, "6.99.0"), m_root / "usr/lib/modules/6.99.0");
}

TEST_F(KernelTreeTest, SeveralKernelsAreNamed) {
    write_text(m_root / "boot/vmlinuz-6.99.0", "a");
    write_text(m_root / "boot/vmlinuz-6.99.1", "b");
    try {
        (void)inspect_kernel_directory(m_root);
        FAIL();
    } catch (const KernelSourceError& error) {
        EXPECT_EQ(std::string(error.what()),
                  m_root.string() +
                      " holds several kernels (boot/vmlinuz-6.99.0, "
                      "boot/vmlinuz-6.99.1); name one as the kernel and " +
                      m_root.string() + " as its modules");
    }
}

TEST_F(KernelTreeTest, BuildTreeWithModulesBesideTheirSources) {
    write_text(m_root / "arch/x86/boot/bzImage", "image");
    write_text(m_root / "modules.order", "fs/9p/9p.o\n");
    const auto kernel = inspect_kernel_directory(m_root);
    EXPECT_EQ(kernel.layout, KernelDirectory::Layout::build_tree);
    EXPECT_EQ(kernel.image, m_root / "arch/x86/boot/bzImage");
    EXPECT_EQ(find_modules_directory(m_root, "6.99.0"), m_root);
}

TEST_F(KernelTreeTest, BuildTreeWithoutModules) {
    write_text(m_root / "arch/x86/boot/bzImage", "image");
    EXPECT_EQ(find_modules_directory(m_root, "6.99.0"), std::nullopt);
}

// An arm64 build leaves arch/arm64/boot/Image and Image.gz (make's default
// target), or just one of them: the uncompressed Image boots without QEMU
// decompressing it first.
TEST_F(KernelTreeTest, Arm64BuildTreePrefersTheUncompressedImage) {
    write_text(m_root / "arch/arm64/boot/Image.gz", "gzipped image");
    write_text(m_root / "modules.order", "fs/9p/9p.o\n");
    EXPECT_EQ(inspect_kernel_directory(m_root).image, m_root / "arch/arm64/boot/Image.gz");
    write_text(m_root / "arch/arm64/boot/Image", "image");
    const auto kernel = inspect_kernel_directory(m_root);
    EXPECT_EQ(kernel.layout, KernelDirectory::Layout::build_tree);
    EXPECT_EQ(kernel.image, m_root / "arch/arm64/boot/Image");
    EXPECT_EQ(find_modules_directory(m_root, "6.99.0"), m_root);
}

TEST_F(KernelTreeTest, NoKernelSaysWhatWasExpected) {
    write_text(m_root / "README", "nothing");
    try {
        (void)inspect_kernel_directory(m_root);
        FAIL();
    } catch (const KernelSourceError& error) {
        EXPECT_EQ(std::string(error.what()),
                  m_root.string() +
                      " holds no kernel: neither boot/vmlinuz-* (an installed kernel) "
                      "nor arch/x86/boot/bzImage, arch/arm64/boot/Image, "
                      "arch/arm64/boot/Image.gz (a built kernel tree)");
    }
}

TEST_F(KernelTreeTest, AModulesDirectoryItselfAndOtherReleases) {
    write_text(m_root / "direct/modules.dep", "");
    EXPECT_EQ(find_modules_directory(m_root / "direct", "6.99.0"), m_root / "direct");
    fs::create_directories(m_root / "other/lib/modules/6.1.0");
    fs::create_directories(m_root / "other/usr/lib/modules/6.2.0");
    EXPECT_EQ(find_modules_directory(m_root / "other", "6.99.0"), std::nullopt);
    EXPECT_EQ(describe_module_releases(m_root / "other"),
              "lib/modules/6.1.0, usr/lib/modules/6.2.0");
    EXPECT_EQ(describe_module_releases(m_root / "direct"), "");
}

} // namespace
} // namespace vmtest::kernel_source
