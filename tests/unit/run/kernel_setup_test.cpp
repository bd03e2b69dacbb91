// prepare_kernel on small kernels built here: the VM spec's format name of
// each kind, and a kernel of another arch than the target's refused before
// anything boots.
#include <gtest/gtest.h>

#include <stdexcept>

#include "../boot/test_support.hpp"
#include "run/kernel_setup.hpp"

namespace vmtest::run {
namespace {

namespace fs = std::filesystem;
namespace test = boot::test;

constexpr std::string_view k_version = "6.9.0-test (builder@host) #1 SMP";

class KernelSetupTest : public ::testing::Test {
  protected:
    config::Target target(const fs::path& kernel, std::string arch) {
        config::Target t;
        t.name = "foo";
        t.command = "true";
        t.kernel = kernel;
        t.arch = std::move(arch);
        return t;
    }

    fs::path write(const std::string& name, std::span<const std::byte> bytes) {
        const fs::path path = m_dir.path() / name;
        test::write_bytes(path, bytes);
        return path;
    }

    std::string error_of(const config::Target& t) {
        try {
            (void)prepare_kernel(t, m_cache);
        } catch (const std::runtime_error& error) {
            return error.what();
        }
        ADD_FAILURE() << "no error";
        return "";
    }

    fs::path bzimage() {
        const auto elf = test::make_elf(true);
        return write("bzImage", test::make_bzimage(k_version, test::compress_xz(elf),
                                                   static_cast<std::uint32_t>(elf.size())));
    }

    test::TempDir m_dir;
    fs::path m_cache = m_dir.path() / "cache";
};

TEST_F(KernelSetupTest, AnArm64ImageIsImageInTheVmSpec) {
    for (const auto& image : {write("Image", test::make_arm64_image(k_version)),
                              write("Image.gz", test::compress_gzip(
                                                    test::make_arm64_image(k_version)))}) {
        const auto setup = prepare_kernel(target(image, "aarch64"), m_cache);
        EXPECT_EQ(setup.image_format, "Image");
        EXPECT_EQ(setup.release, "6.9.0-test");
        EXPECT_EQ(setup.boot_kernel, image);
        EXPECT_EQ(setup.pvh_elf, std::nullopt);
        EXPECT_TRUE(setup.hints.empty());
    }
}

TEST_F(KernelSetupTest, AnX86KernelKeepsItsFormats) {
    const auto setup = prepare_kernel(target(bzimage(), "x86_64"), m_cache);
    EXPECT_EQ(setup.image_format, "bzImage");
    EXPECT_TRUE(setup.pvh_elf.has_value());
}

TEST_F(KernelSetupTest, AKernelOfAnotherArchIsRefusedInOneLine) {
    const auto arm64 = write("vmlinuz-6.9.0-arm64", test::make_arm64_image(k_version));
    EXPECT_EQ(error_of(target(arm64, "x86_64")),
              "kernel " + arm64.string() +
                  " is an aarch64 kernel, but target 'foo' has arch \"x86_64\" (give it an "
                  "x86_64 kernel, or set arch = \"aarch64\" (-a aarch64))");
    const auto x86 = bzimage();
    EXPECT_EQ(error_of(target(x86, "aarch64")),
              "kernel " + x86.string() +
                  " is an x86_64 kernel, but target 'foo' has arch \"aarch64\" (give it an "
                  "aarch64 kernel, or set arch = \"x86_64\" (-a x86_64))");
    // Nothing was extracted for a kernel that cannot boot.
    EXPECT_FALSE(fs::exists(m_cache));
}

// An arch vmtest cannot boot at all is not offered as a fix.
TEST_F(KernelSetupTest, AnUnsupportedArchIsNamedWithoutAFix) {
    const auto big_endian = write("Image", test::make_arm64_image(k_version, 0, 0x0b));
    EXPECT_EQ(error_of(target(big_endian, "aarch64")),
              "kernel " + big_endian.string() +
                  " is an aarch64_be kernel, but target 'foo' has arch \"aarch64\" (give it "
                  "an aarch64 kernel)");
}

// A file whose arch cannot be told is left to the boot (and its own error).
TEST_F(KernelSetupTest, AnUnknownFileIsNotRefusedForItsArch) {
    const auto junk = write("junk", test::to_bytes(std::string(4096, 'j')));
    EXPECT_EQ(prepare_kernel(target(junk, "aarch64"), m_cache).image_format, "unknown");
    EXPECT_EQ(prepare_kernel(target(junk, "x86_64"), m_cache).image_format, "unknown");
}

}  // namespace
}  // namespace vmtest::run
