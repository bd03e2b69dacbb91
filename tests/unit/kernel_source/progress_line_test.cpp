#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "kernel_source/progress_line.hpp"

namespace vmtest::kernel_source {
namespace {

std::string drain(int fd) {
    std::string text;
    char buffer[256];
    ssize_t count;
    while ((count = ::read(fd, buffer, sizeof buffer)) > 0) {
        text.append(buffer, static_cast<std::size_t>(count));
    }
    return text;
}

class ProgressLineTest : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_EQ(::pipe2(m_pipe, O_NONBLOCK | O_CLOEXEC), 0); }
    void TearDown() override {
        ::close(m_pipe[0]);
        ::close(m_pipe[1]);
    }
    int m_pipe[2];
};

TEST_F(ProgressLineTest, RedrawsOneLineAndErasesItAtTheEnd) {
    {
        ProgressLine line(true, m_pipe[1]);
        line.show("downloading x: 1 MiB", true);
        line.show("downloading x: 2 MiB"); // within 100 ms: skipped
        line.show("downloading x: 3 MiB", true);
    }
    EXPECT_EQ(drain(m_pipe[0]), "\rvmtest: downloading x: 1 MiB\033[K"
                                "\rvmtest: downloading x: 3 MiB\033[K"
                                "\r\033[K");
}

TEST_F(ProgressLineTest, DisabledWritesNothing) {
    {
        ProgressLine line(false, m_pipe[1]);
        line.show("downloading", true);
        line.clear();
    }
    EXPECT_EQ(drain(m_pipe[0]), "");
}

TEST(DescribeTransfer, WithAndWithoutATotal) {
    EXPECT_EQ(describe_transfer(5 * 1024 * 1024, 20 * 1024 * 1024), "5.0 of 20.0 MiB (25%)");
    EXPECT_EQ(describe_transfer(1536 * 1024, 0), "1.5 MiB");
}

} // namespace
} // namespace vmtest::kernel_source
