// A report never destroys what its path names: regular files (and links to
// them) are replaced atomically, devices and FIFOs are written as streams,
// directories, sockets and block devices are refused before the run, and a
// report that cannot be written fails loudly.
#include <fcntl.h>
#include <fstream>
#include <future>
#include <sstream>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include "report_output.hpp"
#include "../../support/run_events.hpp"

namespace vmtest::report {
namespace {

namespace fs = std::filesystem;
using report_testing::TempDir;

std::string read(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

ReportOutput output_to(const fs::path& path) {
    return ReportOutput(nlohmann::json{{"path", path.string()}});
}

std::string refusal(const fs::path& path) {
    try {
        output_to(path);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

bool is_char_device(const fs::path& path) {
    struct stat status {};
    return ::lstat(path.c_str(), &status) == 0 && S_ISCHR(status.st_mode);
}

bool only_file_is(const fs::path& dir, const std::string& name) {
    int entries = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        entries += 1;
        if (entry.path().filename() != name) {
            return false;
        }
    }
    return entries == 1;
}

// Device nodes of our own, in a temp directory: the real /dev/null and
// /dev/full are never at risk, even if this code regresses.
class ReportToDevice : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) {
            GTEST_SKIP() << "mknod needs root";
        }
    }
    fs::path node(const std::string& name, mode_t type, unsigned major, unsigned minor) const {
        const fs::path path = m_dir.path() / name;
        EXPECT_EQ(::mknod(path.c_str(), type | 0666, makedev(major, minor)), 0) << path;
        return path;
    }

    TempDir m_dir;
};

TEST(ReportOutputFile, ReplacesARegularFileKeepingItsPermissions) {
    TempDir dir;
    const fs::path file = dir.path() / "results.xml";
    std::ofstream(file) << "old";
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    const auto output = output_to(file);
    output.update("in progress");
    EXPECT_EQ(read(file), "in progress");
    output.write("final");
    EXPECT_EQ(read(file), "final");
    EXPECT_EQ(fs::status(file).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    EXPECT_TRUE(only_file_is(dir.path(), "results.xml")) << "no temporary file left";
}

TEST(ReportOutputFile, ASymlinkGetsTheFileItPointsToReplacedAndStaysALink) {
    TempDir dir;
    fs::create_directory(dir.path() / "real");
    std::ofstream(dir.path() / "real" / "results.xml") << "old";
    fs::create_symlink("real/results.xml", dir.path() / "link.xml");        // relative
    fs::create_symlink(dir.path() / "link.xml", dir.path() / "chain.xml");  // a chain
    output_to(dir.path() / "link.xml").write("through the link");
    EXPECT_TRUE(fs::is_symlink(dir.path() / "link.xml"));
    EXPECT_EQ(read(dir.path() / "real" / "results.xml"), "through the link");
    output_to(dir.path() / "chain.xml").write("through the chain");
    EXPECT_TRUE(fs::is_symlink(dir.path() / "chain.xml"));
    EXPECT_TRUE(fs::is_symlink(dir.path() / "link.xml"));
    EXPECT_EQ(read(dir.path() / "real" / "results.xml"), "through the chain");
    EXPECT_TRUE(only_file_is(dir.path() / "real", "results.xml"));
}

TEST(ReportOutputFile, ALinkToNothingYetCreatesItsTarget) {
    TempDir dir;
    fs::create_symlink(dir.path() / "reports" / "r.xml", dir.path() / "dangling.xml");
    output_to(dir.path() / "dangling.xml").write("created");
    EXPECT_TRUE(fs::is_symlink(dir.path() / "dangling.xml"));
    EXPECT_EQ(read(dir.path() / "reports" / "r.xml"), "created");
}

TEST(ReportOutputFile, AWriteThatFailsAtTheEndThrowsNamingThePath) {
    TempDir dir;
    const fs::path file = dir.path() / "sub" / "r.xml";
    const auto output = output_to(file);  // creates sub/
    fs::remove(dir.path() / "sub");
    std::ofstream(dir.path() / "sub") << "now a file";
    try {
        output.write("final");
        FAIL() << "expected an error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
    }
    EXPECT_EQ(read(dir.path() / "sub"), "now a file");
}

TEST(ReportOutputRefusals, ADirectoryIsRefusedBeforeTheRunAndLeftAlone) {
    TempDir dir;
    fs::create_directory(dir.path() / "reports");
    std::ofstream(dir.path() / "reports" / "kept") << "x";
    fs::create_directory_symlink(dir.path() / "reports", dir.path() / "link-to-dir");
    for (const auto& path : {dir.path() / "reports", dir.path() / "link-to-dir"}) {
        const std::string message = refusal(path);
        EXPECT_NE(
            message.find("cannot write the report to " + path.string() + ": it is a directory"),
            std::string::npos)
            << message;
        EXPECT_THROW(write_file_atomically(path, "x"), std::runtime_error);
    }
    EXPECT_EQ(read(dir.path() / "reports" / "kept"), "x");
    EXPECT_TRUE(fs::is_symlink(dir.path() / "link-to-dir"));
}

TEST(ReportOutputRefusals, ProcPathsPassAccessButAreRefusedByTryingToCreateAFile) {
    for (const fs::path& path : {fs::path("/proc/vmtest-report.xml"),
                                fs::path("/proc/self/vmtest-report.xml")}) {
        const std::string message = refusal(path);
        EXPECT_NE(message.find("cannot write " + path.string()), std::string::npos) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos);
        EXPECT_THROW(write_file_atomically(path, "x"), std::runtime_error);
    }
}

TEST(ReportOutputRefusals, ASocketIsRefused) {
    TempDir dir;
    const fs::path path = dir.path() / "report.sock";
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_NE(refusal(path).find("it is a socket"), std::string::npos) << refusal(path);
    EXPECT_TRUE(fs::is_socket(path));
    ::close(fd);
}

TEST_F(ReportToDevice, ANullDeviceTakesTheReportAsAStreamAndStaysADevice) {
    const fs::path null = node("null", S_IFCHR, 1, 3);
    const auto output = output_to(null);
    output.update("in progress");
    output.write("final");
    EXPECT_TRUE(is_char_device(null));
    EXPECT_TRUE(only_file_is(m_dir.path(), "null")) << "no temporary file, no replacement";
    EXPECT_THROW(write_file_atomically(null, "x"), std::runtime_error);
    EXPECT_TRUE(is_char_device(null));
}

TEST_F(ReportToDevice, AFullDeviceFailsTheFinalWriteAndStaysADevice) {
    const fs::path full = node("full", S_IFCHR, 1, 7);
    const auto output = output_to(full);  // nothing tells before the write
    output.update("in progress");         // not written: a stream takes one document
    try {
        output.write("final");
        FAIL() << "expected an error";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "cannot write " + full.string() + ": write: No space left on device");
    }
    EXPECT_TRUE(is_char_device(full));
}

TEST_F(ReportToDevice, ABlockDeviceIsRefusedBeforeTheRun) {
    const fs::path disk = node("disk", S_IFBLK, 7, 0);
    EXPECT_NE(refusal(disk).find("it is a block device"), std::string::npos) << refusal(disk);
    struct stat status {};
    ASSERT_EQ(::lstat(disk.c_str(), &status), 0);
    EXPECT_TRUE(S_ISBLK(status.st_mode));
}

TEST(ReportToFifo, GetsOneDocumentAtTheEndAndStaysAFifo) {
    TempDir dir;
    const fs::path fifo = dir.path() / "report.fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    // Held open for reading, so a wrong open for writing would not block.
    const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
    ASSERT_GE(reader, 0);
    const auto output = output_to(fifo);
    output.update("in progress");
    output.write("final");
    char buffer[64];
    const ssize_t n = ::read(reader, buffer, sizeof buffer);
    ::close(reader);
    EXPECT_EQ(std::string(buffer, n > 0 ? n : 0), "final") << "update() wrote nothing";
    EXPECT_EQ(fs::status(fifo).type(), fs::file_type::fifo);
    EXPECT_TRUE(only_file_is(dir.path(), "report.fifo"));
}

TEST(ReportToFifo, WaitsForItsReaderLikeAShellRedirection) {
    TempDir dir;
    const fs::path fifo = dir.path() / "report.fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const auto output = output_to(fifo);
    auto read_all = std::async(std::launch::async, [&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));  // after the writer
        return read(fifo);
    });
    const std::string report(200 * 1024, 'r');  // more than a pipe holds
    output.write(report);
    EXPECT_EQ(read_all.get(), report);
    EXPECT_EQ(fs::status(fifo).type(), fs::file_type::fifo);
}

TEST(ReportToFifo, AReaderThatGoesAwayFailsTheWrite) {
    TempDir dir;
    const fs::path fifo = dir.path() / "report.fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const auto output = output_to(fifo);
    auto reader = std::async(std::launch::async, [&] {
        const int fd = ::open(fifo.c_str(), O_RDONLY);
        char c;
        (void)!::read(fd, &c, 1);  // one byte, then gone
        ::close(fd);
    });
    // vmtest ignores SIGPIPE (its writes must fail, not kill it); so does
    // this test, for the same reason.
    struct sigaction ignore {}, old {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &old);
    EXPECT_THROW(output.write(std::string(1 << 20, 'r')), std::runtime_error);
    ::sigaction(SIGPIPE, &old, nullptr);
    reader.get();
}

}  // namespace
}  // namespace vmtest::report
