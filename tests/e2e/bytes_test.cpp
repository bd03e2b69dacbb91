// End-to-end: bytes are bytes. What the command prints reaches the console
// exactly (invalid UTF-8, and ten megabytes of multi-byte text whose
// characters the transport splits at random), reports stay valid documents,
// and an environment, working directory and command that are not UTF-8
// reach the guest exactly. Two boots.
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>

#include "../support/report_consumers.hpp"
#include "e2e_fixture.hpp"

namespace vmtest::e2e {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string read_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string sha256_of(const std::filesystem::path& file) {
    const auto result = report_testing::run_tool({"sha256sum", file.string()});
    return result.status == 0 ? result.output.substr(0, 64) : "sha256sum failed: " + result.output;
}

std::size_t count(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
        ++n;
    }
    return n;
}

const std::string k_fffd = "\xEF\xBF\xBD";
// Invalid bytes, overlong and surrogate forms, a value past U+10FFFF and a
// truncated character, as the guest's printf writes them.
const std::string k_bad_line_printf =
    "printf 'bad: \\377\\376 \\300\\257 \\355\\240\\200 \\364\\220\\200\\200 \\342\\202|\\n'";
const std::string k_bad_line_bytes =
    "bad: \xff\xfe \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82|\n";

TEST_F(E2E, OutputReachesTheConsoleByteForByteAndReportsStayValid) {
    // 200000 lines (7 MB) of 2-, 3- and 4-byte characters: the ~64 KiB
    // chunks the output travels in cut about 80 of them in two. The guest
    // keeps what it printed, and its hash, in the project.
    const std::string generate = "{ " + k_bad_line_printf +
                                 "; seq 1 200000 | sed 's/.*/строка & — ✓ 𝄞 ü/'; " +
                                 k_bad_line_printf + "; } > /mnt/vmtest/guest.bin";
    const auto result = vmtest({"--reporter", "junit=report.xml", "--reporter", "tap=report.tap",
                                "-k", m_kernel.string(),
                                generate +
                                    " && sha256sum /mnt/vmtest/guest.bin > /mnt/vmtest/guest.sha"
                                    " && cat /mnt/vmtest/guest.bin"
                                    " && printf 'no newline at the end'"});
    ASSERT_EQ(result.status, 0) << describe(result).substr(0, 4000);

    const std::string guest = read_bytes(m_project / "guest.bin");
    ASSERT_THAT(guest, StartsWith(k_bad_line_bytes));
    ASSERT_THAT(guest, EndsWith("строка 200000 — ✓ 𝄞 ü\n" + k_bad_line_bytes));
    // The command's bytes sit between the console's stage lines, exactly;
    // the unterminated last line is ended before the console's next line.
    const std::string running = "===> Running command\n";
    const auto start = result.out.find(running);
    ASSERT_NE(start, std::string::npos) << result.out.substr(0, 2000);
    const std::string console = result.out.substr(start + running.size(), guest.size());
    EXPECT_TRUE(console == guest) << "the console's bytes differ from the guest's ("
                                  << console.size() << " vs " << guest.size() << " bytes)";
    EXPECT_THAT(result.out.substr(start + running.size() + guest.size()),
                StartsWith("no newline at the end\n===> Shutting down\n"));
    std::ofstream(m_root / "console.bin", std::ios::binary) << console;
    EXPECT_EQ(sha256_of(m_root / "console.bin"), read_bytes(m_project / "guest.sha").substr(0, 64))
        << "hash of what the console printed vs what the guest produced";

    // Reports are documents: U+FFFD for what is not UTF-8, and no character
    // of the long output is damaged where a chunk cut it.
    const auto junit = report_testing::read_junit(m_project / "report.xml");
    const auto valid = report_testing::validate_junit(m_project / "report.xml");
    EXPECT_EQ(valid.status, 0) << valid.output;
    const std::string system_out = junit["suites"][0]["cases"][0]["system_out"];
    const std::string bad_text = "bad: " + k_fffd + k_fffd + " " + k_fffd + k_fffd + " " + k_fffd +
                                 k_fffd + k_fffd + " " + k_fffd + k_fffd + k_fffd + k_fffd + " " +
                                 k_fffd + "|\n";
    EXPECT_THAT(system_out,
                EndsWith("строка 200000 — ✓ 𝄞 ü\n" + bad_text + "no newline at the end"));
    EXPECT_EQ(count(system_out, k_fffd), 12u) << "U+FFFD only for the invalid bytes";
    const auto tap = report_testing::read_tap(m_project / "report.tap");
    EXPECT_TRUE(tap["parse_errors"].empty()) << tap.dump();
    EXPECT_THAT(tap["tests"][0]["yaml"]["output_tail"].get<std::string>(),
                HasSubstr("строка 200000 — ✓ 𝄞 ü\n"));
}

TEST_F(E2E, EnvironmentWorkingDirectoryAndCommandReachTheGuestByteForByte) {
    // One-liner mode starts in the host's current directory, which is also
    // the project the guest shares: a name that is not UTF-8 crosses the
    // share and the runner.
    const std::filesystem::path dir = m_project / "d\xff\xfe q";
    std::filesystem::create_directory(dir);
    auto opts = options({"-k", m_kernel.string(),
                         "printf '%s' \"$VMTEST_BYTES\" > env.bin; pwd -P > cwd.bin; "
                         "printf '%s' '<\xfe\x80 \xc0\xaf>' > command.bin; "
                         "printf '%s|' \"$0\" \"$(cat <(echo -n $0))\" > zero.bin; echo -n $0"});
    opts.cwd = dir;
    opts.env["VMTEST_BYTES"] = "a\xff\xc0\xaf'b\nc";
    const auto result = run_vmtest(opts);
    ASSERT_EQ(result.status, 0) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("\nbash\n===> Shutting down")) << "$0 is bash, as upstream";
    EXPECT_EQ(read_bytes(dir / "env.bin"), "a\xff\xc0\xaf'b\nc");
    EXPECT_EQ(read_bytes(dir / "cwd.bin"), std::filesystem::canonical(dir).string() + "\n");
    EXPECT_EQ(read_bytes(dir / "command.bin"), "<\xfe\x80 \xc0\xaf>");
    EXPECT_EQ(read_bytes(dir / "zero.bin"), "bash|bash|") << "also in process substitution";
}

// A runner built for ABI 1.0 cannot be handed bytes that are not UTF-8: one
// line says so, before anything boots.
TEST_F(E2E, ARunnerThatCannotCarryBytesFailsBeforeTheBoot) {
    auto opts = options({"--plugin-path", VMTEST_TEST_PLUGIN_DIR, "--runner", "abi-1-0", "-k",
                         m_kernel.string(), "true"});
    opts.env["VMTEST_BYTES"] = "\xff";
    const auto result = run_vmtest(opts);
    EXPECT_NE(result.status, 0) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("runner abi-1-0 is built for plugin ABI 1.0, which cannot "
                                      "carry env["));
    EXPECT_THAT(result.out, Not(HasSubstr("===> Booting")));
    EXPECT_THAT(result.out + result.err, Not(HasSubstr("json.exception")));
}

}  // namespace
}  // namespace vmtest::e2e
