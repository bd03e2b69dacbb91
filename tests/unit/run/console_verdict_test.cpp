// Which console lines mean a dead guest: real lines from Debian's kernel
// booted with too little memory and from the bzImage decompressor, and lines
// of healthy (and slow) boots that must never count.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "run/console_verdict.hpp"

namespace vmtest::run {
namespace {

TEST(ConsoleVerdict, APanicQuotesThePanicLine) {
    const auto problem = console_problem(
        "[    1.734747] Kernel panic - not syncing: System is deadlocked on memory", "");
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->kind, "kernel_panic");
    EXPECT_EQ(
        problem->message,
        "the guest kernel panicked: Kernel panic - not syncing: System is deadlocked on memory");
}

TEST(ConsoleVerdict, AnEarlyExceptionBeforePanicCanRunIsAPanicToo) {
    const auto problem = console_problem(
        "PANIC: early exception 0x08 IP 286:10 error ffffffff81e01d30 cr2 0xffff888002a10888",
        "[    0.000000] ---[ end Kernel panic - not syncing: Attempted to kill the idle task! "
        "]---");
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->kind, "kernel_panic");
    EXPECT_THAT(problem->message, ::testing::HasSubstr("PANIC: early exception 0x08"));
}

TEST(ConsoleVerdict, AnInitramfsThatCannotBeUnpackedEndsTheBoot) {
    const auto problem =
        console_problem("[    0.912345] Initramfs unpacking failed: write error", "");
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->kind, "boot_failed");
    EXPECT_EQ(problem->message,
              "the guest kernel could not start vmtest's init: Initramfs unpacking failed: write "
              "error");
}

TEST(ConsoleVerdict, TheDecompressorsHaltNamesWhatItSaidJustBefore) {
    const auto problem =
        console_problem(" -- System halted", "Out of memory while allocating output buffer");
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->kind, "boot_failed");
    EXPECT_EQ(problem->message, "the guest kernel could not decompress itself: Out of memory "
                                "while allocating output buffer");
}

TEST(ConsoleVerdict, VmtestsInitGivingUpIsAnInitFailure) {
    const auto problem =
        console_problem("vmtest-init: FATAL: cannot mount the root share: 9p", "anything");
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->kind, "init_failed");
    EXPECT_EQ(problem->message, "the guest's init failed: cannot mount the root share: 9p");
}

TEST(ConsoleVerdict, LinesOfHealthyBootsNeverCount) {
    // Lines near the patterns, printed by boots that go on (slowly or not).
    for (const char* line : {
             "[    0.000000] Linux version 6.1.0-amd64 (debian-kernel@lists.debian.org)",
             "[    0.000000] Command line: console=ttyS0 earlyprintk=serial,ttyS0 panic=-1",
             "[    0.000000] Kernel command line: console=ttyS0 panic=-1 rdinit=/init",
             "[    0.004000] panic: -1",
             "[    0.512000] Freeing initrd memory: 2172K",
             "[    0.600000] Trying to unpack rootfs image as initramfs...",
             "[    5.100000] Out of memory: Killed process 312 (stress) total-vm:2097152kB",
             "Decompressing Linux... Parsing ELF... done.",
             "Booting the kernel.",
             "vmtest-init: WARNING: module foo not found",
             "[    2.000000] random: crng init done",
             "",
         }) {
        EXPECT_EQ(console_problem(line, ""), std::nullopt) << line;
    }
}

}  // namespace
}  // namespace vmtest::run
