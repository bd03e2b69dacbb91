#include "image/boot_stages.hpp"

#include <gtest/gtest.h>

namespace vmtest::image {
namespace {

TEST(BootStages, EachStageIsRecognisedFromWhatItPrintsOnTheSerialConsole) {
    EXPECT_EQ(stage_shown_by("BdsDxe: starting Boot0001 \"UEFI Misc Device\""),
              BootStage::bootloader);
    EXPECT_EQ(stage_shown_by("GRUB: loading Linux 6.1.0-50-amd64"), BootStage::bootloader);
    EXPECT_EQ(stage_shown_by("Welcome to GRUB!"), BootStage::bootloader); // not an init's welcome
    EXPECT_EQ(stage_shown_by("[    0.000000] Linux version 6.1.0 (debian-kernel@lists.debian.org)"),
              BootStage::kernel);
    EXPECT_EQ(stage_shown_by("[    3.1] systemd[1]: Hostname set to <vmtest-image>."),
              BootStage::init);
    EXPECT_EQ(stage_shown_by("vmtest-image login: "), BootStage::booted);
    EXPECT_EQ(stage_shown_by("[  OK  ] Reached target multi-user.target - Multi-User System."),
              BootStage::booted);
    EXPECT_EQ(stage_shown_by("[    1.2] virtio_blk virtio1: [vda] 1048576 512-byte logical blocks"),
              std::nullopt);
}

TEST(BootStages, TheTrackerOnlyMovesForward) {
    BootStageTracker tracker;
    EXPECT_EQ(tracker.stage(), BootStage::firmware);
    EXPECT_TRUE(tracker.observe("GRUB: loading Linux"));
    EXPECT_TRUE(tracker.observe("[    0.000000] Linux version 6.1.0"));
    EXPECT_FALSE(tracker.observe("GRUB again")); // a kernel line may mention GRUB
    EXPECT_FALSE(tracker.observe("[    0.1] nothing to see"));
    EXPECT_EQ(tracker.stage(), BootStage::kernel);
    EXPECT_TRUE(tracker.observe("host login: "));
    EXPECT_EQ(tracker.stage(), BootStage::booted);
    EXPECT_STREQ(stage_name(tracker.stage()), "booted");
}

} // namespace
} // namespace vmtest::image
