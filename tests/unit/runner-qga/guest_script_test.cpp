// The script the qga runner hands the guest's `sh -s`, run here by the
// host's own sh: argv, environment and working directory must arrive byte
// for byte, including bytes that are not UTF-8 and quotes.
#include "guest_script.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "../../support/protocol_peer.hpp"
#include "vmtest/sdk/plugin.hpp"

namespace vmtest::runner_qga {
namespace {

using protocol::testing::TempDir;
using namespace std::string_literals;

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

class GuestScriptTest : public ::testing::Test {
  protected:
    OutputPaths paths() const { return {m_dir.file("out"), m_dir.file("err")}; }

    // Runs the script as the guest does (sh -s, script on stdin); returns
    // the exit status.
    int run(const sdk::Command& command) const {
        FILE* shell = ::popen("/bin/sh -s", "w");
        if (shell == nullptr) {
            return -1;
        }
        const std::string script = command_script(command, paths());
        std::fwrite(script.data(), 1, script.size(), shell);
        const int status = ::pclose(shell);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::string out() const { return read_bytes(m_dir.file("out")); }
    std::string err() const { return read_bytes(m_dir.file("err")); }

    TempDir m_dir;
};

TEST(ShellQuote, KeepsEveryByteAndEscapesOnlyTheQuote) {
    EXPECT_EQ(shell_quote(""), "''");
    EXPECT_EQ(shell_quote("a b$`\\\"\n"), "'a b$`\\\"\n'");
    EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
    EXPECT_EQ(shell_quote("\xff\xfe"), "'\xff\xfe'");
}

TEST_F(GuestScriptTest, ArgvAndWorkingDirectoryArriveByteForByte) {
    const std::string dir = m_dir.file("d \xff'q\xc3");
    std::filesystem::create_directory(dir);
    sdk::Command command;
    command.argv = {"/bin/sh", "-c",
                    "printf '%s|' \"$0\" \"$1\" \"$(pwd -P)\" '\xe2\x82'; printf oops >&2; exit 3",
                    "zero \xff", "it's \"\x80\" $HOME `x`"};
    command.env = {"PATH=/usr/bin:/bin"};
    command.cwd = dir;
    EXPECT_EQ(run(command), 3);
    EXPECT_EQ(out(), "zero \xff|it's \"\x80\" $HOME `x`|" +
                         std::filesystem::canonical(dir).string() + "|\xe2\x82|");
    EXPECT_EQ(err(), "oops");
}

TEST_F(GuestScriptTest, TheEnvironmentIsExactlyTheGivenOne) {
    sdk::Command command;
    command.argv = {"/usr/bin/env", "-0"};
    command.env = {"V=\xff\x80 x'y\nz", "PATH=/usr/bin:/bin", "weird.name%%=() { :; }", "no-equals",
                   "=nameless"};
    command.cwd = "/";
    ASSERT_EQ(run(command), 0) << err();
    EXPECT_EQ(out(), "V=\xff\x80 x'y\nz\0PATH=/usr/bin:/bin\0weird.name%%=() { :; }\0"s);
}

TEST_F(GuestScriptTest, AnEmptyEnvironmentKeepsTheShells) {
    sdk::Command command;
    command.argv = {"/bin/sh", "-c", "printf %s \"$HOME\""};
    EXPECT_EQ(run(command), 0);
    EXPECT_EQ(out(), std::getenv("HOME") ? std::getenv("HOME") : "");
}

TEST_F(GuestScriptTest, AMissingWorkingDirectoryExits127) {
    sdk::Command command;
    command.argv = {"/bin/true"};
    command.cwd = m_dir.file("missing\xff");
    EXPECT_EQ(run(command), 127);
    EXPECT_NE(err().find("missing\xff"), std::string::npos) << err();
}

TEST(GuestScript, RefusesWhatEnvWouldMisread) {
    for (const std::string program : {"", "-x", "A=b"}) {
        sdk::Command command;
        command.argv = {program, "arg"};
        EXPECT_THROW(command_script(command, {"/o", "/e"}), sdk::Error) << program;
    }
    EXPECT_THROW(command_script(sdk::Command{}, {"/o", "/e"}), sdk::Error);
}

}  // namespace
}  // namespace vmtest::runner_qga
