// The raw /dev/kmsg records the guest streams, as the lines of <target>.dmesg.
#include "run/kernel_log_records.hpp"

#include <gtest/gtest.h>

namespace vmtest::run {
namespace {

TEST(KernelLogRecords, FormatsTimeLevelAndMessage) {
    KernelLogFormatter formatter;
    EXPECT_EQ(formatter.feed("6,0,0,-;Linux version 6.1.0 (gcc)\n"),
              "[    0.000000] <info> Linux version 6.1.0 (gcc)\n");
    EXPECT_EQ(formatter.feed("4,1,12345678,-;WARNING: CPU: 0 PID: 1 at fake.c:1 f+0x0/0x1\n"),
              "[   12.345678] <warn> WARNING: CPU: 0 PID: 1 at fake.c:1 f+0x0/0x1\n");
    EXPECT_EQ(formatter.records(), 2u);
}

TEST(KernelLogRecords, NamesTheFacilityWhenItIsNotTheKernels) {
    KernelLogFormatter formatter;
    // <12> is what `echo '<4>text' > /dev/kmsg` stores: facility user, level warn.
    EXPECT_EQ(formatter.feed("12,5,1000000,-;from userspace\n"),
              "[    1.000000] <user.warn> from userspace\n");
}

TEST(KernelLogRecords, LeavesOutDictionaryLines) {
    KernelLogFormatter formatter;
    EXPECT_EQ(formatter.feed(
                  "3,7,5,-;virtio_net: probe failed\n SUBSYSTEM=virtio\n DEVICE=+virtio:virtio1\n"),
              "[    0.000005] <err> virtio_net: probe failed\n");
}

TEST(KernelLogRecords, RecordsCutAnywhereBetweenChunksComeOutWhole) {
    const std::string stream = "6,0,1,-;first\n 6,1,2,c;second\n6,2,3,-;third\n";
    std::string whole;
    {
        KernelLogFormatter formatter;
        whole = formatter.feed(stream);
    }
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        KernelLogFormatter formatter;
        std::string out = formatter.feed(stream.substr(0, cut));
        out += formatter.feed(stream.substr(cut));
        out += formatter.finish();
        EXPECT_EQ(out, whole) << "cut at " << cut;
    }
}

TEST(KernelLogRecords, SaysHowManyRecordsWereLostWhenSequenceNumbersJump) {
    KernelLogFormatter formatter;
    std::string out = formatter.feed("6,10,1,-;a\n6,15,2,-;b\n");
    EXPECT_EQ(out,
              "[    0.000001] <info> a\n"
              "[vmtest] 4 kernel log record(s) lost: overwritten before the guest init read them\n"
              "[    0.000002] <info> b\n");
    EXPECT_EQ(formatter.lost(), 4u);
}

TEST(KernelLogRecords, EscapesWhatIsNotPrintableAsciiSoTheFileStaysAscii) {
    KernelLogFormatter formatter;
    // /dev/kmsg escapes these itself; a broken stream must not get them through.
    const std::string out = formatter.feed(std::string("6,0,0,-;a\tb\x01\xff\xc3\xa9 \\x0a\n"));
    EXPECT_EQ(out, "[    0.000000] <info> a\\x09b\\x01\\xff\\xc3\\xa9 \\x0a\n");
}

TEST(KernelLogRecords, KeepsWhatIsNotARecordMarked) {
    KernelLogFormatter formatter;
    EXPECT_EQ(formatter.feed("garbage without header\n"),
              "[vmtest] unreadable kernel log record: garbage without header\n");
    EXPECT_EQ(formatter.feed("6,x,1,-;bad sequence\n"),
              "[vmtest] unreadable kernel log record: 6,x,1,-;bad sequence\n");
}

TEST(KernelLogRecords, AStreamEndingMidRecordKeepsWhatCame) {
    KernelLogFormatter formatter;
    EXPECT_EQ(formatter.feed("6,0,0,-;half a rec"), "");
    EXPECT_EQ(formatter.finish(), "[    0.000000] <info> half a rec\n");
}

TEST(KernelLogRecords, MessageOfALineDropsTimeAndLevel) {
    EXPECT_EQ(kernel_log_message("[   12.345678] <warn> WARNING: x"), "WARNING: x");
    EXPECT_EQ(kernel_log_message("[    1.000000] <user.warn> hi there"), "hi there");
    EXPECT_EQ(kernel_log_message("WARNING: plain dmesg line"), "WARNING: plain dmesg line");
    EXPECT_EQ(kernel_log_message("[vmtest] 3 lost"), "[vmtest] 3 lost");
    EXPECT_EQ(kernel_log_message("[ 1.5] not <a level> here"), "[ 1.5] not <a level> here");
}

}  // namespace
}  // namespace vmtest::run
