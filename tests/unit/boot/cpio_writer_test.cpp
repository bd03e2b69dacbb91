#include "boot/cpio_writer.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <sys/stat.h>

namespace vmtest::boot {
namespace {

std::vector<std::byte> sample_archive() {
    CpioWriter writer;
    writer.add_directory("/dev");
    writer.add_char_device("/dev/console", 5, 1, 0600);
    writer.add_directory("etc", 0700);
    writer.add_file("/etc/hello", "hello\n", 0640);
    writer.add_file("/etc/odd", std::string_view("abcde"), 0755);  // needs padding
    writer.add_symlink("/etc/link", "hello");
    return writer.finish();
}

TEST(CpioWriter, ParsesBackWithTypesModesAndData) {
    std::vector<std::byte> archive = sample_archive();
    EXPECT_EQ(archive.size() % 4, 0U);
    auto entries = test::parse_cpio(archive);
    ASSERT_EQ(entries.size(), 7U);
    EXPECT_EQ(entries[0].name, "dev");
    EXPECT_EQ(entries[0].mode, S_IFDIR | 0755U);
    const auto* console = test::find_entry(entries, "dev/console");
    ASSERT_NE(console, nullptr);
    EXPECT_EQ(console->mode, S_IFCHR | 0600U);
    EXPECT_EQ(console->rdev_major, 5U);
    EXPECT_EQ(console->rdev_minor, 1U);
    const auto* hello = test::find_entry(entries, "etc/hello");
    ASSERT_NE(hello, nullptr);
    EXPECT_EQ(hello->mode, S_IFREG | 0640U);
    EXPECT_EQ(hello->data, "hello\n");
    EXPECT_EQ(hello->nlink, 1U);  // >1 would make the kernel treat it as a hard link
    EXPECT_EQ(test::find_entry(entries, "etc/odd")->data, "abcde");
    const auto* link = test::find_entry(entries, "etc/link");
    ASSERT_NE(link, nullptr);
    EXPECT_EQ(link->mode & S_IFMT, unsigned{S_IFLNK});
    EXPECT_EQ(link->data, "hello");
    EXPECT_EQ(entries.back().name, "TRAILER!!!");
    for (const auto& entry : entries) {
        EXPECT_EQ(entry.mtime, 0U) << entry.name;
    }
}

TEST(CpioWriter, OutputIsDeterministic) {
    EXPECT_EQ(sample_archive(), sample_archive());
}

TEST(CpioWriter, WriterIsReusableAfterFinish) {
    CpioWriter writer;
    writer.add_file("a", "1");
    auto first = writer.finish();
    writer.add_file("a", "1");
    EXPECT_EQ(writer.finish(), first);
}

TEST(CpioWriter, ExtractsWithTheCpioTool) {
    if (std::system("command -v cpio >/dev/null 2>&1") != 0) {
        GTEST_SKIP() << "cpio is not installed";
    }
    test::TempDir dir;
    CpioWriter writer;
    writer.add_directory("/etc");
    writer.add_file("/etc/hello", "hello\n", 0640);
    writer.add_symlink("/etc/link", "hello");
    writer.add_directory("/empty", 0711);
    auto archive = writer.finish();
    // Two archives back to back, like the initramfs.
    CpioWriter second;
    second.add_file("/etc/second", "2");
    auto tail = second.finish();
    archive.insert(archive.end(), tail.begin(), tail.end());
    test::write_bytes(dir.path() / "a.cpio", archive);
    auto out = dir.path() / "out";
    std::filesystem::create_directories(out);
    // cpio stops at the first trailer; the second archive is extracted on its own.
    std::string command = "cd '" + out.string() + "' && cpio -id --quiet < ../a.cpio && tail -c " +
                          std::to_string(tail.size()) + " ../a.cpio | cpio -id --quiet";
    ASSERT_EQ(std::system(command.c_str()), 0);
    EXPECT_EQ(test::read_text(out / "etc/hello"), "hello\n");
    EXPECT_EQ(std::filesystem::read_symlink(out / "etc/link"), "hello");
    EXPECT_TRUE(std::filesystem::is_directory(out / "empty"));
    EXPECT_EQ(test::read_text(out / "etc/second"), "2");
    struct stat info {};
    ASSERT_EQ(::stat((out / "etc/hello").c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 07777, 0640U);
}

}  // namespace
}  // namespace vmtest::boot
