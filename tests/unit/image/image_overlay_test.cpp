#include "image/image_overlay.hpp"

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../../support/temp_dir.hpp"

namespace vmtest::image {
namespace {

using test_support::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ImageOverlay, TheCommandStatesTheBackingFormatAndAnAbsolutePath) {
    const auto cwd = std::filesystem::current_path();
    EXPECT_THAT(overlay_command("images/disk.img", DiskFormat::raw, "/run/x/overlay.qcow2"),
                ElementsAre("qemu-img", "create", "-q", "-f", "qcow2", "-b",
                            (cwd / "images/disk.img").string(), "-F", "raw",
                            "/run/x/overlay.qcow2"));
}

// qemu-img is installed wherever vmtest runs (qemu-utils).
TEST(ImageOverlay, TheOverlayIsBackedByTheImageWhichStaysUnchanged) {
    TempDir dir;
    const auto image = dir.path() / "disk.img";
    std::string content(1024 * 1024, '\0');
    content.replace(510, 2, "\x55\xaa");
    std::ofstream(image, std::ios::binary) << content;
    const auto before = std::filesystem::last_write_time(image);

    const auto disk = boot_disk(image, DiskFormat::raw, false, dir.path());
    EXPECT_EQ(disk.path, (dir.path() / "overlay.qcow2").string());
    EXPECT_EQ(disk.format, "qcow2");
    EXPECT_TRUE(disk.boot);
    EXPECT_FALSE(disk.read_only);
    EXPECT_EQ(detect_disk_format(disk.path), DiskFormat::qcow2);
    std::ifstream overlay(disk.path, std::ios::binary);
    std::string header((std::istreambuf_iterator<char>(overlay)), {});
    EXPECT_THAT(header, HasSubstr(image.string())); // its backing file
    EXPECT_EQ(std::filesystem::last_write_time(image), before);
}

TEST(ImageOverlay, AWritableImageIsBootedItself) {
    TempDir dir;
    const auto disk = boot_disk(dir.path() / "disk.qcow2", DiskFormat::qcow2, true, dir.path());
    EXPECT_EQ(disk.path, (dir.path() / "disk.qcow2").string());
    EXPECT_EQ(disk.format, "qcow2");
    EXPECT_TRUE(disk.boot);
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "overlay.qcow2"));
}

TEST(ImageOverlay, QemuImgsOwnMessageExplainsAFailure) {
    TempDir dir;
    try {
        // Claimed qcow2, but it is not: qemu-img refuses the backing file.
        const auto fake = dir.path() / "fake.qcow2";
        std::ofstream(fake) << "not qcow2";
        boot_disk(fake, DiskFormat::qcow2, false, dir.path());
        FAIL() << "created an overlay of a broken image";
    } catch (const std::runtime_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("cannot create an overlay for image " +
                                        (dir.path() / "fake.qcow2").string() + ": "));
    }
}

} // namespace
} // namespace vmtest::image
