#include "image/disk_image.hpp"

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../../support/temp_dir.hpp"

namespace vmtest::image {
namespace {

using test_support::TempDir;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// A file of `size` zero bytes with `bytes` written at `offset`.
std::filesystem::path write_file(const TempDir& dir, const std::string& name, std::size_t size,
                                 std::size_t offset = 0, const std::string& bytes = "") {
    std::string content(size, '\0');
    content.replace(offset, bytes.size(), bytes);
    const auto path = dir.path() / name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
}

std::string refusal(const std::filesystem::path& path) {
    try {
        detect_disk_format(path);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "(accepted)";
}

TEST(DiskImage, Qcow2IsDetectedByItsMagicWhateverItsName) {
    TempDir dir;
    EXPECT_EQ(detect_disk_format(write_file(dir, "disk.raw", 1024, 0, "QFI\xfb")),
              DiskFormat::qcow2);
}

TEST(DiskImage, AnMbrOrGptDiskIsRawWhateverItsName) {
    TempDir dir;
    // A GPT disk starts with a protective MBR: the same boot signature.
    EXPECT_EQ(detect_disk_format(write_file(dir, "disk.qcow2", 8192, 510, "\x55\xaa")),
              DiskFormat::raw);
}

TEST(DiskImage, FormatNamesAreQemus) {
    EXPECT_STREQ(format_name(DiskFormat::raw), "raw");
    EXPECT_STREQ(format_name(DiskFormat::qcow2), "qcow2");
}

TEST(DiskImage, AFileWithoutPartitionTableIsRefusedNamingIt) {
    TempDir dir;
    const auto path = write_file(dir, "notes.txt", 100, 0, "hello");
    EXPECT_EQ(refusal(path), "image " + path.string() +
                                 " is not a disk image: no qcow2 header and no MBR or GPT "
                                 "partition table");
}

TEST(DiskImage, AKernelGivenAsImageIsRefusedAsAKernel) {
    TempDir dir;
    // A bzImage has the boot signature too: its "HdrS" decides.
    std::string boot_sector(0x206, '\0');
    boot_sector.replace(510, 2, "\x55\xaa");
    boot_sector.replace(0x202, 4, "HdrS");
    const auto bzimage = write_file(dir, "vmlinuz", 8192, 0, boot_sector);
    EXPECT_THAT(refusal(bzimage), HasSubstr("is not a disk image: it is a Linux kernel (bzImage); "
                                            "give it as `kernel`, not `image`"));
    const auto elf = write_file(dir, "vmlinux", 8192, 0,
                                "\x7f"
                                "ELF");
    EXPECT_THAT(refusal(elf), HasSubstr("an ELF file"));
}

TEST(DiskImage, OtherFormatsAreRefusedWithWhatToDo) {
    TempDir dir;
    EXPECT_THAT(refusal(write_file(dir, "a.vmdk", 4096, 0, "KDMV")),
                HasSubstr("a VMDK image; convert it first: qemu-img convert -O qcow2"));
    EXPECT_THAT(refusal(write_file(dir, "a.gz", 4096, 0, "\x1f\x8b")),
                HasSubstr("gzip-compressed; decompress it first"));
    EXPECT_THAT(refusal(write_file(dir, "a.ext4", 8192, 1080, "\x53\xef")),
                HasSubstr("a bare ext2/3/4 filesystem without a partition table"));
}

TEST(DiskImage, AShortFileIsRefused) {
    TempDir dir;
    EXPECT_THAT(refusal(write_file(dir, "empty.img", 0)), HasSubstr("is not a disk image"));
}

TEST(DiskImage, ADirectoryOrAMissingFileIsRefusedSayingWhatItIs) {
    TempDir dir;
    EXPECT_THAT(refusal(dir.path()),
                StartsWith("image " + dir.path().string() + " is a directory"));
    EXPECT_THAT(refusal(dir.path() / "missing.qcow2"), HasSubstr("does not exist"));
}

} // namespace
} // namespace vmtest::image
