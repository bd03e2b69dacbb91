#include "boot/boot_error.hpp"
#include "boot/elf_notes.hpp"
#include "boot/kernel_image.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace vmtest::boot {
namespace {

constexpr std::string_view k_version = "6.9.0-test (builder@host) #1 SMP PREEMPT_DYNAMIC";

TEST(ElfNotes, FindsThePvhNote) {
    EXPECT_TRUE(has_pvh_note(test::make_elf(true)));
    EXPECT_FALSE(has_pvh_note(test::make_elf(false)));
    EXPECT_FALSE(has_pvh_note(test::to_bytes("not an elf at all")));
    auto truncated = test::make_elf(true);
    truncated.resize(80);
    EXPECT_FALSE(has_pvh_note(truncated));
}

TEST(ElfNotes, PathVersionMatches) {
    test::TempDir dir;
    test::write_bytes(dir.path() / "with", test::make_elf(true));
    test::write_bytes(dir.path() / "without", test::make_elf(false));
    EXPECT_TRUE(has_pvh_note(dir.path() / "with"));
    EXPECT_FALSE(has_pvh_note(dir.path() / "without"));
    EXPECT_THROW((void)has_pvh_note(dir.path() / "missing"), BootError);
}

struct PayloadCase {
    Compression compression;
    std::vector<std::byte> (*compress)(std::span<const std::byte>);
    unsigned setup_sects;
};

void PrintTo(const PayloadCase& c, std::ostream* out) { *out << to_string(c.compression); }

class BzImageTest : public ::testing::TestWithParam<PayloadCase> {};

TEST_P(BzImageTest, InspectsAndExtractsAndCaches) {
    test::TempDir dir;
    auto elf = test::make_elf(true, std::string(100000, 'k'));
    auto image_bytes = test::make_bzimage(k_version, GetParam().compress(elf),
                                          static_cast<std::uint32_t>(elf.size()), GetParam().setup_sects);
    auto path = dir.path() / "vmlinuz";
    test::write_bytes(path, image_bytes);

    KernelImage image = inspect(path);
    EXPECT_EQ(image.format, KernelFormat::bzimage);
    EXPECT_EQ(image.release, "6.9.0-test");
    EXPECT_EQ(image.compression, GetParam().compression);

    auto extracted = extract_pvh_vmlinux(image, dir.path() / "cache");
    ASSERT_TRUE(extracted.has_value());
    EXPECT_EQ(extracted->parent_path(), dir.path() / "cache" / "vmlinux");
    EXPECT_EQ(extracted->extension(), ".elf");
    EXPECT_EQ(test::read_text(*extracted), test::to_string(elf));
    // Nothing but the result is left in the cache directory (no temp files).
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(extracted->parent_path()),
                            std::filesystem::directory_iterator()),
              1);

    // A second call reuses the cached file.
    auto before = std::filesystem::last_write_time(*extracted);
    auto again = extract_pvh_vmlinux(image, dir.path() / "cache");
    EXPECT_EQ(again, extracted);
    EXPECT_EQ(std::filesystem::last_write_time(*extracted), before);
}

INSTANTIATE_TEST_SUITE_P(AllFormats, BzImageTest,
                         ::testing::Values(PayloadCase{Compression::xz, test::compress_xz, 4},
                                           PayloadCase{Compression::gzip, test::compress_gzip, 0},
                                           PayloadCase{Compression::zstd, test::compress_zstd, 7}),
                         [](const auto& info) { return std::string(to_string(info.param.compression)); });

TEST(KernelImage, PayloadWithoutPvhNoteGivesNullopt) {
    test::TempDir dir;
    auto elf = test::make_elf(false);
    test::write_bytes(dir.path() / "vmlinuz",
                      test::make_bzimage(k_version, test::compress_xz(elf), static_cast<std::uint32_t>(elf.size())));
    KernelImage image = inspect(dir.path() / "vmlinuz");
    EXPECT_EQ(extract_pvh_vmlinux(image, dir.path() / "cache"), std::nullopt);
    EXPECT_EQ(extract_pvh_vmlinux(image, dir.path() / "cache"), std::nullopt);  // via the marker
}

TEST(KernelImage, UnsupportedPayloadCompressionGivesNullopt) {
    test::TempDir dir;
    test::write_bytes(dir.path() / "vmlinuz", test::make_bzimage(k_version, test::to_bytes("BZh91AY&SY...."), 1000));
    KernelImage image = inspect(dir.path() / "vmlinuz");
    EXPECT_EQ(image.compression, Compression::other);
    EXPECT_EQ(extract_pvh_vmlinux(image, dir.path() / "cache"), std::nullopt);
}

TEST(KernelImage, ElfVmlinuxReleaseFromBanner) {
    test::TempDir dir;
    // A format string first (no digit after it), then the real banner.
    std::string filler(3 << 20, '\0');
    filler += "Linux version %s (%s)\n";
    filler += std::string(1 << 20, '\0');
    filler += "Linux version 6.9.0-elf (me@host) (gcc) #1 SMP\n";
    test::write_bytes(dir.path() / "vmlinux", test::make_elf(true, filler));
    KernelImage image = inspect(dir.path() / "vmlinux");
    EXPECT_EQ(image.format, KernelFormat::elf);
    EXPECT_EQ(image.release, "6.9.0-elf");
    EXPECT_EQ(image.compression, Compression::none);
    EXPECT_EQ(extract_pvh_vmlinux(image, dir.path() / "cache"), dir.path() / "vmlinux");

    test::write_bytes(dir.path() / "plain", test::make_elf(false, "Linux version 1.2.3"));
    KernelImage plain = inspect(dir.path() / "plain");
    EXPECT_EQ(plain.release, "1.2.3");
    EXPECT_EQ(extract_pvh_vmlinux(plain, dir.path() / "cache"), std::nullopt);
}

TEST(KernelImage, UnknownFormatAndMissingFile) {
    test::TempDir dir;
    test::write_text(dir.path() / "junk", std::string(4096, 'j'));
    EXPECT_EQ(inspect(dir.path() / "junk").format, KernelFormat::unknown);
    EXPECT_EQ(extract_pvh_vmlinux(inspect(dir.path() / "junk"), dir.path()), std::nullopt);
    try {
        (void)inspect(dir.path() / "missing");
        FAIL() << "expected BootError";
    } catch (const BootError& error) {
        EXPECT_NE(std::string(error.what()).find((dir.path() / "missing").string()), std::string::npos);
    }
}

TEST(KernelImage, TruncatedBzImageThrows) {
    test::TempDir dir;
    auto elf = test::make_elf(true);
    auto bytes = test::make_bzimage(k_version, test::compress_xz(elf), static_cast<std::uint32_t>(elf.size()));
    bytes.resize(bytes.size() - 80);
    test::write_bytes(dir.path() / "vmlinuz", bytes);
    KernelImage image = inspect(dir.path() / "vmlinuz");
    EXPECT_THROW((void)extract_pvh_vmlinux(image, dir.path() / "cache"), BootError);
}

// --- arm64 Image ----------------------------------------------------------

// The banner lies megabytes into a real Image (13 MB into Debian's 32 MB):
// far past the first chunk read, so a scan that stopped early would miss it.
constexpr std::size_t k_code_before_banner = 3 << 20;
constexpr std::string_view k_arm64_version = "6.9.0-arm64 (builder@host) #1 SMP PREEMPT";

TEST(Arm64Image, PlainImageGivesFormatReleaseAndArch) {
    test::TempDir dir;
    test::write_bytes(dir.path() / "Image",
                      test::make_arm64_image(k_arm64_version, k_code_before_banner));
    KernelImage image = inspect(dir.path() / "Image");
    EXPECT_EQ(image.format, KernelFormat::arm64_image);
    EXPECT_EQ(to_string(image.format), "arm64 Image");
    EXPECT_EQ(image.release, "6.9.0-arm64");
    EXPECT_EQ(image.arch, "aarch64");
    EXPECT_EQ(image.compression, Compression::none);
    // QEMU boots it as it is: there is no PVH vmlinux to extract.
    EXPECT_EQ(extract_pvh_vmlinux(image, dir.path() / "cache"), std::nullopt);
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "cache"));
}

TEST(Arm64Image, GzippedImageIsDecompressedForItsRelease) {
    test::TempDir dir;
    const auto plain = test::make_arm64_image(k_arm64_version, k_code_before_banner);
    test::write_bytes(dir.path() / "Image.gz", test::compress_gzip(plain));
    KernelImage image = inspect(dir.path() / "Image.gz");
    EXPECT_EQ(image.format, KernelFormat::arm64_image);
    EXPECT_EQ(image.compression, Compression::gzip);
    EXPECT_EQ(image.release, "6.9.0-arm64");
    EXPECT_EQ(image.arch, "aarch64");
    EXPECT_EQ(extract_pvh_vmlinux(image, dir.path() / "cache"), std::nullopt);
}

// `make Image.gz` runs gzip(1) itself (gzip -n -f -9): the same program here.
TEST(Arm64Image, ImageGzAsTheGzipProgramWritesIt) {
    test::TempDir dir;
    test::write_bytes(dir.path() / "Image",
                      test::make_arm64_image(k_arm64_version, k_code_before_banner));
    const std::string command = "gzip -n -f -9 '" + (dir.path() / "Image").string() + "'";
    if (std::system(command.c_str()) != 0) {
        GTEST_SKIP() << "no gzip program: " << command;
    }
    KernelImage image = inspect(dir.path() / "Image.gz");
    EXPECT_EQ(image.format, KernelFormat::arm64_image);
    EXPECT_EQ(image.compression, Compression::gzip);
    EXPECT_EQ(image.release, "6.9.0-arm64");
}

TEST(Arm64Image, BigEndianKernelIsAarch64Be) {
    test::TempDir dir;
    test::write_bytes(dir.path() / "Image", test::make_arm64_image(k_arm64_version, 0, 0x0b));
    EXPECT_EQ(inspect(dir.path() / "Image").arch, "aarch64_be");
}

TEST(Arm64Image, ImageWithoutBannerHasNoRelease) {
    test::TempDir dir;
    auto bytes = test::make_arm64_image(k_arm64_version, 1000);
    bytes.resize(0x40 + 1000);  // cut before the banner
    test::write_bytes(dir.path() / "Image", bytes);
    KernelImage image = inspect(dir.path() / "Image");
    EXPECT_EQ(image.format, KernelFormat::arm64_image);
    EXPECT_EQ(image.release, "");
}

// Only a gzip stream whose content is an arm64 Image is one; other gzip
// files (and gzip data too short to tell) are no kernel vmtest knows.
TEST(Arm64Image, OtherGzipFilesAreUnknown) {
    test::TempDir dir;
    test::write_bytes(dir.path() / "text.gz",
                      test::compress_gzip(test::to_bytes(std::string(100000, 't'))));
    KernelImage text = inspect(dir.path() / "text.gz");
    EXPECT_EQ(text.format, KernelFormat::unknown);
    EXPECT_EQ(text.arch, "");

    auto cut = test::compress_gzip(test::make_arm64_image(k_arm64_version));
    cut.resize(12);  // the gzip header, hardly any data
    test::write_bytes(dir.path() / "cut.gz", cut);
    EXPECT_EQ(inspect(dir.path() / "cut.gz").format, KernelFormat::unknown);
}

TEST(Arm64Image, TruncatedImageGzThrowsNamingTheFile) {
    test::TempDir dir;
    auto bytes = test::compress_gzip(test::make_arm64_image(k_arm64_version, 1 << 20));
    bytes.resize(bytes.size() / 2);
    test::write_bytes(dir.path() / "Image.gz", bytes);
    try {
        (void)inspect(dir.path() / "Image.gz");
        FAIL() << "expected BootError";
    } catch (const BootError& error) {
        EXPECT_NE(std::string(error.what()).find((dir.path() / "Image.gz").string()),
                  std::string::npos)
            << error.what();
    }
}

// --- The arch of every format ---------------------------------------------

std::vector<std::byte> elf_for_machine(std::uint16_t machine) {
    auto elf = test::make_elf(false, "Linux version 6.9.0-elf (me@host)");
    elf[18] = static_cast<std::byte>(machine & 0xff);  // e_machine, little endian
    elf[19] = static_cast<std::byte>(machine >> 8);
    return elf;
}

TEST(KernelArch, EveryFormatSaysItsMachineAsUnameDoes) {
    test::TempDir dir;
    auto elf = test::make_elf(true);
    test::write_bytes(dir.path() / "bzImage",
                      test::make_bzimage(k_version, test::compress_xz(elf),
                                         static_cast<std::uint32_t>(elf.size())));
    EXPECT_EQ(inspect(dir.path() / "bzImage").arch, "x86_64");

    test::write_bytes(dir.path() / "vmlinux-x86", elf_for_machine(62));      // EM_X86_64
    test::write_bytes(dir.path() / "vmlinux-arm64", elf_for_machine(183));   // EM_AARCH64
    test::write_bytes(dir.path() / "vmlinux-i386", elf_for_machine(3));      // EM_386
    EXPECT_EQ(inspect(dir.path() / "vmlinux-x86").arch, "x86_64");
    KernelImage arm64 = inspect(dir.path() / "vmlinux-arm64");
    EXPECT_EQ(arm64.format, KernelFormat::elf);
    EXPECT_EQ(arm64.arch, "aarch64");
    EXPECT_EQ(arm64.release, "6.9.0-elf");
    EXPECT_EQ(inspect(dir.path() / "vmlinux-i386").arch, "i686");

    test::write_text(dir.path() / "junk", std::string(4096, 'j'));
    EXPECT_EQ(inspect(dir.path() / "junk").arch, "");
}

// The real Debian kernel, when installed: this is what vmtest boots.
TEST(KernelImageHost, DebianKernelHasAnXzPayloadWithPvhNote) {
    const auto installed = test::newest_installed_kernel();
    if (!installed) {
        GTEST_SKIP() << "no /boot/vmlinuz-* installed (install linux-image-amd64)";
    }
    KernelImage image = inspect(installed->image);
    EXPECT_EQ(image.format, KernelFormat::bzimage);
    EXPECT_EQ(image.release, installed->release);
    EXPECT_EQ(image.compression, Compression::xz);

    test::TempDir cache;
    auto start = std::chrono::steady_clock::now();
    auto vmlinux = extract_pvh_vmlinux(image, cache.path());
    auto cold = std::chrono::steady_clock::now();
    ASSERT_TRUE(vmlinux.has_value());
    EXPECT_TRUE(has_pvh_note(*vmlinux));
    EXPECT_EQ(inspect(*vmlinux).release, installed->release);
    auto warm_start = std::chrono::steady_clock::now();
    EXPECT_EQ(extract_pvh_vmlinux(image, cache.path()), vmlinux);
    auto warm = std::chrono::steady_clock::now();
    using ms = std::chrono::milliseconds;
    std::printf("PVH extraction: cold %lld ms, warm %lld ms, %lld MB\n",
                static_cast<long long>(std::chrono::duration_cast<ms>(cold - start).count()),
                static_cast<long long>(std::chrono::duration_cast<ms>(warm - warm_start).count()),
                static_cast<long long>(std::filesystem::file_size(*vmlinux) >> 20));
}

}  // namespace
}  // namespace vmtest::boot
