// End-to-end: the guest kernel's whole log kept as <target>.dmesg, and
// kernel splats failing (or not) a target whose command passed: splats
// written into /dev/kmsg by the command for each kernel_splats value, and a
// real one the stock kernel produces (a hung task). Four boots.
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>

#include "../support/report_consumers.hpp"
#include "e2e_fixture.hpp"

namespace vmtest::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// A WARNING splat as the kernel prints one, written into the kernel's log
// record by record (each write to /dev/kmsg is one record; <4> is warn).
constexpr const char* k_fake_splat_script =
    "for line in '------------[ cut here ]------------' \\\n"
    "    'WARNING: CPU: 0 PID: 1 at fake.c:1 f+0x0/0x1' 'Call Trace:' ' <TASK>' \\\n"
    "    ' f+0x0/0x1' ' </TASK>' '---[ end trace 0000000000000000 ]---'; do\n"
    "  printf '<4>%s\\n' \"$line\" > /dev/kmsg\n"
    "done\n";

class KernelLog : public E2E {
  protected:
    void SetUp() override {
        E2E::SetUp();
        if (IsSkipped()) {
            return;
        }
        std::filesystem::create_symlink(m_kernel, m_project / "kernel");
    }

    std::filesystem::path kept(const std::string& file) const {
        return m_root / "state/vmtest/boot-logs" / file;
    }

    static std::string read_text(const std::filesystem::path& file) {
        std::ifstream in(file, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    }

    nlohmann::json read_json(const std::filesystem::path& file) const {
        std::ifstream in(file);
        return nlohmann::json::parse(in);  // refuses invalid JSON and invalid UTF-8
    }
};

TEST_F(KernelLog, WholeLogIsKeptAndWordsOnStdoutAreNoSplat) {
    // Splat words on stdout and stderr are the command's, not the kernel's.
    const auto result = vmtest({"--reporter", "json=results.json", "-k", "kernel", "--",
                                "echo 'BUG: kernel NULL pointer dereference'; "
                                "echo 'WARNING: CPU: 0 PID: 1 at x.c:1' >&2; "
                                "echo 'a normal line' > /dev/kmsg"});
    ASSERT_EQ(result.status, 0) << describe(result);
    EXPECT_THAT(result.out, Not(HasSubstr("splat")));

    const std::string dmesg = read_text(kept("kernel.dmesg"));
    // From the first boot message, every level (the console boots quiet).
    EXPECT_THAT(dmesg, StartsWith("[    0.000000] <"));
    EXPECT_THAT(dmesg, HasSubstr("> Linux version " + m_release + " "));
    EXPECT_THAT(dmesg, HasSubstr("] <info> "));
    // Written without a level: the kernel makes it user.warn.
    EXPECT_THAT(dmesg, HasSubstr("] <user.warn> a normal line\n"));
    EXPECT_THAT(dmesg, Not(HasSubstr("lost")));
    const auto lines = std::count(dmesg.begin(), dmesg.end(), '\n');
    EXPECT_GT(lines, 100) << dmesg;
    std::cout << "[ measured ] " << lines << " kernel log lines for one boot\n";
    for (const char c : dmesg) {
        ASSERT_TRUE(c == '\n' || (c >= 0x20 && c <= 0x7e)) << "not ASCII: " << int(c);
    }

    const auto report = read_json(m_project / "results.json");
    const auto& target = report["targets"][0];
    EXPECT_EQ(target["result"], "pass");
    EXPECT_EQ(target["kernel_release"], m_release);
    EXPECT_EQ(target["dmesg"], kept("kernel.dmesg").string());
    EXPECT_EQ(target["boot_log"], kept("kernel.log").string());
    EXPECT_EQ(target["splats"], nlohmann::json::array());
    EXPECT_EQ(report["vmtest_version"].get<std::string>().empty(), false);
}

TEST_F(KernelLog, SplatInTheKernelLogFailsWarnsOrIsIgnored) {
    write_file("splat.sh", k_fake_splat_script);
    write_file("vmtest.toml", R"(
[[target]]
name = "fail"
kernel = "kernel"
command = "sh splat.sh"

[[target]]
name = "warn"
kernel = "kernel"
command = "sh splat.sh"
kernel_splats = "warn"

[[target]]
name = "ignore"
kernel = "kernel"
command = "sh splat.sh"
kernel_splats = "ignore"
)");
    const auto result = vmtest({"--reporter", "json=results.json", "--reporter",
                                "junit=results.xml", "--reporter", "tap=results.tap"});
    EXPECT_EQ(result.status, 1) << describe(result);  // one failed target
    // The whole splat on the console, for the failing and the warning target.
    EXPECT_THAT(result.out, HasSubstr("--- the guest kernel logged a splat (warning) ---\n"));
    EXPECT_THAT(result.out, HasSubstr("<user.warn> ------------[ cut here ]------------\n"));
    EXPECT_THAT(result.out, HasSubstr("<user.warn> ---[ end trace 0000000000000000 ]---\n"));
    EXPECT_THAT(result.out, HasSubstr("FAILED (the guest kernel logged a splat: WARNING: CPU: 0 "
                                      "PID: 1 at fake.c:1 f+0x0/0x1)"));

    const auto report = read_json(m_project / "results.json");
    const auto& fail = report["targets"][0];
    EXPECT_EQ(fail["result"], "fail");
    EXPECT_EQ(fail["error_kind"], "kernel_splat");
    EXPECT_EQ(fail["exit_code"], 0);
    ASSERT_EQ(fail["splats"].size(), 1u);
    EXPECT_EQ(fail["splats"][0]["kind"], "warning");
    EXPECT_EQ(fail["splats"][0]["title"], "WARNING: CPU: 0 PID: 1 at fake.c:1 f+0x0/0x1");
    const std::string text = fail["splats"][0]["text"];
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 6) << text;  // seven lines
    const auto& warn = report["targets"][1];
    EXPECT_EQ(warn["result"], "pass");
    EXPECT_EQ(warn["splats"].size(), 1u);
    const auto& ignore = report["targets"][2];
    EXPECT_EQ(ignore["result"], "pass");
    EXPECT_FALSE(ignore.contains("splats"));
    EXPECT_TRUE(ignore.contains("dmesg"));  // kept all the same
    EXPECT_EQ(report["counts"]["fail"], 1);

    const auto valid = report_testing::validate_junit(m_project / "results.xml");
    EXPECT_EQ(valid.status, 0) << valid.output;
    const auto junit = report_testing::read_junit(m_project / "results.xml");
    for (const auto& suite : junit["suites"]) {
        if (suite["name"] == "fail") {
            const auto& test = suite["cases"][0];
            EXPECT_EQ(test["verdict"], "failure");
            EXPECT_EQ(test["type"], "kernel_splat");
            EXPECT_THAT(test["system_err"].get<std::string>(), HasSubstr("end trace"));
        }
    }
    const auto tap = report_testing::read_tap(m_project / "results.tap");
    EXPECT_EQ(tap["tests"][0]["yaml"]["error_kind"], "kernel_splat");
    EXPECT_THAT(tap["tests"][0]["yaml"]["kernel_splats"].get<std::string>(),
                HasSubstr("WARNING: CPU: 0"));

    // --kernel-splats wins over the file's kernel_splats.
    const auto flagged = vmtest({"-f", "^fail$", "--kernel-splats", "warn"});
    EXPECT_EQ(flagged.status, 0) << describe(flagged);
    EXPECT_THAT(flagged.out, HasSubstr("--- the guest kernel logged a splat (warning) ---"));
}

TEST_F(KernelLog, RealHungTaskFromTheStockKernelFailsTheTarget) {
    // A writer blocked on a frozen ext4 waits uninterruptibly (D state) in
    // sb_start_write; with a 1 s hung_task_timeout_secs khungtaskd reports
    // it: a splat the kernel itself writes, with a real call trace.
    write_file("hang.sh", R"(set -e
# vmtest's init loads only what it needs; the guest has the host's modules.
modprobe loop
modprobe ext4
echo 1 > /proc/sys/kernel/hung_task_timeout_secs
truncate -s 32M /tmp/fs.img
mkfs.ext4 -q /tmp/fs.img
mkdir -p /tmp/frozen
mount -o loop /tmp/fs.img /tmp/frozen
fsfreeze -f /tmp/frozen
sh -c 'echo data > /tmp/frozen/file' &
writer=$!
for i in $(seq 1 60); do
  dmesg | grep -q 'blocked for more than' && break
  sleep 1
done
fsfreeze -u /tmp/frozen
wait $writer
umount /tmp/frozen
echo the command itself passed
)");
    const auto result =
        vmtest({"--reporter", "json=results.json", "-k", "kernel", "--", "sh hang.sh"});
    EXPECT_EQ(result.status, 1) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("the command itself passed"));
    EXPECT_THAT(result.out, HasSubstr("--- the guest kernel logged a splat (hung_task) ---"));
    const auto report = read_json(m_project / "results.json");
    const auto& target = report["targets"][0];
    EXPECT_EQ(target["error_kind"], "kernel_splat");
    ASSERT_FALSE(target["splats"].empty()) << target.dump(2);
    const auto& splat = target["splats"][0];
    EXPECT_EQ(splat["kind"], "hung_task");
    EXPECT_THAT(splat["title"].get<std::string>(), HasSubstr("blocked for more than 1 seconds"));
    EXPECT_THAT(splat["text"].get<std::string>(), HasSubstr("Call Trace:"));
    EXPECT_THAT(splat["text"].get<std::string>(), HasSubstr("</TASK>"));
}

TEST_F(KernelLog, BadKernelSplatsValuesAreOneLineAndExit2) {
    write_file("vmtest.toml", "[[target]]\nname = \"t\"\nkernel = \"kernel\"\ncommand = \"true\"\n"
                              "kernel_splats = \"loud\"\n");
    auto result = vmtest({});
    EXPECT_EQ(result.status, 2) << describe(result);
    EXPECT_EQ(result.err, "vmtest.toml:5:1: target 't': field 'kernel_splats' must be "
                          "\"fail\", \"warn\" or \"ignore\", got \"loud\"\n");
    result = vmtest({"--kernel-splats", "sometimes", "-k", "kernel", "true"});
    EXPECT_EQ(result.status, 2) << describe(result);
    // As every bad flag: the problem, then where to look.
    EXPECT_EQ(result.err, "vmtest: --kernel-splats: expected fail, warn or ignore, got "
                          "'sometimes'\n(see vmtest --help)\n");
}

}  // namespace
}  // namespace vmtest::e2e
