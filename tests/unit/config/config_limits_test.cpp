// vmtest.toml that would crash or run away: too deep for toml++'s recursion,
// too big, or not a file at all. Each is refused with one line naming the
// file, before toml++ sees it.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <fstream>

#include "config/config_file.hpp"
#include "config/config_text_reader.hpp"
#include "config/toml_nesting_check.hpp"
#include "../../support/temp_dir.hpp"

namespace vmtest::config {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_valid_target =
    "[[target]]\nname = \"t\"\nkernel = \"k\"\ncommand = \"c\"\n";

std::string error_of(std::string_view text) {
    try {
        parse_config(text, "vmtest.toml");
    } catch (const ConfigError& error) {
        return error.what();
    }
    return "<no error>";
}

std::string load_error_of(const fs::path& file) {
    try {
        load_config_file(file);
    } catch (const ConfigError& error) {
        return error.what();
    }
    return "<no error>";
}

std::string repeated(std::string_view text, int count) {
    std::string out;
    for (int i = 0; i < count; ++i) {
        out += text;
    }
    return out;
}

// "a.a.a...a" with `parts` parts.
std::string dotted(int parts) {
    return "a" + repeated(".a", parts - 1);
}

constexpr std::string_view k_key =
    "key (its dotted parts, table header and enclosing arrays and tables together)";

std::string nesting_message(std::string_view what) {
    return std::string(what) + " nests more than 128 levels deep; vmtest allows at most 128";
}

// A test with the tests' one temporary directory in m_dir.
class TempDir : public ::testing::Test {
  protected:
    test_support::TempDir m_temp;
    const fs::path m_dir = m_temp.path();
};

// --- Nesting: each way TOML nests, too deep ---

TEST(ConfigLimits, HugeDottedKeyIsRefusedBeforeToml) {
    // 60,000 parts crashed toml++ (stack overflow).
    EXPECT_EQ(error_of(std::string(k_valid_target) + dotted(60000) + " = 1\n"),
              "vmtest.toml:5:1: " + nesting_message(k_key));
}

TEST(ConfigLimits, DeepTableHeaderIsRefused) {
    EXPECT_EQ(error_of(std::string(k_valid_target) + "\n[" + dotted(40000) + "]\n"),
              "vmtest.toml:6:1: " + nesting_message("table header"));
    EXPECT_EQ(error_of("[[" + dotted(200) + "]]\n"),
              "vmtest.toml:1:1: " + nesting_message("table header"));
}

TEST(ConfigLimits, DeepNestedArraysAreRefused) {
    EXPECT_EQ(
        error_of("x = " + repeated("[", 50000) + repeated("]", 50000) + "\n"),
        "vmtest.toml:1:133: " +
            nesting_message("array or inline table (with its table header and enclosing keys)"));
}

TEST(ConfigLimits, DeepNestedInlineTablesAreRefused) {
    // The 129th level is the key inside the 128th table.
    EXPECT_EQ(error_of("x = " + repeated("{a = ", 50000) + "1" + repeated("}", 50000) + "\n"),
              "vmtest.toml:1:641: " + nesting_message(k_key));
    EXPECT_EQ(error_of("x = " + repeated("[{a = ", 50000) + "1" + repeated("}]", 50000) + "\n"),
              "vmtest.toml:1:385: " + nesting_message(k_key));
}

TEST(ConfigLimits, MixedNestingCountsTogether) {
    // 50 (header) + 50 (arrays) + 50 (dotted key in an inline table): 150 > 128,
    // though each alone is within the limit.
    const std::string text = "[" + dotted(50) + "]\nx = " + repeated("[", 50) + "{" + dotted(50) +
                             " = 1}" + repeated("]", 50) + "\n";
    EXPECT_EQ(error_of(text).rfind("vmtest.toml:2:", 0), 0u) << error_of(text);
    EXPECT_NE(error_of(text).find("nests more than 128 levels deep"), std::string::npos);
    // Each alone is fine for the pre-scan (toml++ then reports the unknown field).
    for (const std::string& alone :
         {"[" + dotted(120) + "]\n", "x = " + repeated("[", 120) + repeated("]", 120) + "\n",
          dotted(120) + " = 1\n"}) {
        EXPECT_NO_THROW(check_toml_nesting(alone, "vmtest.toml")) << alone.substr(0, 40);
    }
}

TEST(ConfigLimits, DotsAndBracketsInStringsAndCommentsDoNotCount) {
    const std::string deep_text = repeated("a.", 500) + repeated("[", 500) + repeated("{", 500);
    const std::string text = std::string(k_valid_target) + "# " + deep_text +
                             "\n"
                             "kernel_args = \"" +
                             deep_text +
                             "\"\n"
                             "qemu_command = '" +
                             deep_text +
                             "'\n"
                             "kvm_cpu_args = \"\"\"\n" +
                             deep_text +
                             "\\\"\"\"\" \"\"\"\n"
                             "[target.vm]\n"
                             "extra_args = ['''" +
                             deep_text + "\n''', \"" + deep_text + "\"]\n";
    EXPECT_NO_THROW(check_toml_nesting(text, "vmtest.toml"));
    // A quote inside a string does not end it; a comment's quote opens nothing.
    EXPECT_NO_THROW(check_toml_nesting("a = \"\\\"" + deep_text + "\"\n# \"\nb = 1\n", "f"));
    EXPECT_NO_THROW(check_toml_nesting("a = 'x\\'\n# \"" + deep_text + "\nb = 1\n", "f"));
}

TEST(ConfigLimits, QuotedKeyPartsCount) {
    EXPECT_EQ(error_of(repeated("\"a.b\".", 200) + "x = 1\n"),
              "vmtest.toml:1:1: " + nesting_message(k_key));
}

TEST(ConfigLimits, ANormalConfigStillParses) {
    const Config config = parse_config(R"(
reporters = ["tap"]   # [not.a.header]

[[target]]
name = "a.b.c [1]"
kernel = "k"
kernel_args = "a.b.c=1 [x] {y}"
command = '''
for f in a.b.c [d] {e}; do echo "$f"; done # not a comment
'''
timeout = 60
vm.num_cpus = 4
vm.extra_args = ["-device", "virtio-rng-pci"]

[target.vm.mounts]
"/mnt/data" = { host_path = "data", writable = true }
"/srv/x.y" = { host_path = "xy" }
)",
                                       "vmtest.toml");
    ASSERT_EQ(config.targets.size(), 1u);
    EXPECT_EQ(config.targets[0].name, "a.b.c [1]");
    EXPECT_EQ(config.targets[0].vm.num_cpus, 4);
    EXPECT_EQ(config.targets[0].vm.mounts.size(), 2u);
}

// --- Size and kind of file ---

TEST(ConfigLimits, TextLargerThanTheLimitIsRefused) {
    const std::string text =
        std::string(k_valid_target) + "# " + std::string(k_max_config_bytes, 'x') + "\n";
    EXPECT_EQ(error_of(text),
              "vmtest.toml: is larger than 4 MiB, the most vmtest reads of a config file");
}

TEST_F(TempDir, HugeFileIsRefusedWithoutReadingIt) {
    const fs::path file = m_dir / "vmtest.toml";
    { std::ofstream out(file); }
    // Sparse: 16 GiB on paper, nothing on disk, and never read.
    fs::resize_file(file, std::uintmax_t{16} << 30);
    EXPECT_EQ(load_error_of(file),
              file.string() + ": is larger than 4 MiB, the most vmtest reads of a config file");
}

TEST_F(TempDir, FileJustUnderTheLimitIsRead) {
    const fs::path file = m_dir / "vmtest.toml";
    {
        std::ofstream out(file);
        out << k_valid_target << "# "
            << std::string(k_max_config_bytes - k_valid_target.size() - 3, 'x') << "\n";
    }
    ASSERT_EQ(fs::file_size(file), k_max_config_bytes);
    EXPECT_EQ(load_config_file(file).targets.size(), 1u);
}

TEST(ConfigLimits, DevZeroIsRefusedAtOnce) {
    EXPECT_EQ(load_error_of("/dev/zero"), "/dev/zero: is a character device, not a regular file");
}

TEST_F(TempDir, FifoIsRefusedWithoutOpeningIt) {
    // Opening a FIFO with no writer would block forever.
    const fs::path fifo = m_dir / "vmtest.toml";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    EXPECT_EQ(load_error_of(fifo), fifo.string() + ": is a FIFO (named pipe), not a regular file");
}

TEST_F(TempDir, DirectoryIsRefused) {
    EXPECT_EQ(load_error_of(m_dir), m_dir.string() + ": is a directory, not a regular file");
}

TEST_F(TempDir, SocketIsRefused) {
    const fs::path path = m_dir / "vmtest.toml";
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(load_error_of(path), path.string() + ": is a socket, not a regular file");
    ::close(fd);
}

TEST_F(TempDir, SymlinkToARegularFileIsFollowed) {
    {
        std::ofstream out(m_dir / "real.toml");
        out << k_valid_target;
    }
    fs::create_symlink(m_dir / "real.toml", m_dir / "vmtest.toml");
    EXPECT_EQ(load_config_file(m_dir / "vmtest.toml").targets.size(), 1u);
}

TEST(ConfigLimits, ProcFilesAreReadBoundedly) {
    // Regular files that report size 0: read, but never past the limit.
    EXPECT_NE(load_error_of("/proc/self/status").find("TOML syntax error"), std::string::npos);
}

}  // namespace
}  // namespace vmtest::config
