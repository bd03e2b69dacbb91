// End-to-end: Debian's real kernel booted under QEMU (TCG here), the host's
// root shared into it, commands run through the real guest agent. Each test
// is one boot (two for the config test), and asserts everything that boot
// can show.
#include <csignal>
#include <fstream>

#include <gmock/gmock.h>

#include "e2e_fixture.hpp"

namespace vmtest::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(E2E, OneLinerRunsTheCommandWithHostEnvironmentCwdAndProjectWriteThrough) {
    const std::string host_probe = "/etc/vmtest-e2e-" + m_root.filename().string();
    auto opts = options({"-k", m_kernel.string(),
                         "uname -r; echo to-stderr >&2; echo \"cwd=$(pwd)\"; "
                         "echo \"var=$VMTEST_E2E_VAR\"; echo written > out.log; "
                         "echo via-mnt > /mnt/vmtest/via-mnt.txt; "
                         "touch " + host_probe + " && echo root-write-ok; "
                         "cat <(echo process-substitution) | tr a-z A-Z; exit 3"});
    opts.env["VMTEST_E2E_VAR"] = "hello world";
    const auto result = run_vmtest(opts);

    EXPECT_EQ(result.status, 3) << describe(result);
    EXPECT_THAT(result.out, HasSubstr(m_release + "\n"));
    EXPECT_THAT(result.err, HasSubstr("to-stderr"));
    EXPECT_THAT(result.out, HasSubstr("cwd=" + m_project.string() + "\n"));
    EXPECT_THAT(result.out, HasSubstr("var=hello world\n"));
    EXPECT_THAT(result.out, HasSubstr("PROCESS-SUBSTITUTION"));
    EXPECT_THAT(result.out, HasSubstr("root-write-ok")) << "writes to / must land in guest RAM";
    EXPECT_FALSE(std::filesystem::exists(host_probe)) << "the guest modified the host's root";
    EXPECT_EQ(read_file("out.log"), "written\n");
    EXPECT_EQ(read_file("via-mnt.txt"), "via-mnt\n");
    EXPECT_THAT(result.out, HasSubstr("===> Booting"));
    EXPECT_THAT(result.out, HasSubstr("FAILED"));
}

TEST_F(E2E, WithoutKernelOrConfigTheHostsKernelIsUsedAndNamed) {
    const auto result = vmtest({"uname -r"});
    EXPECT_EQ(result.status, 0) << describe(result);
    EXPECT_THAT(result.err, HasSubstr("using kernel /boot/vmlinuz-"));
    EXPECT_THAT(result.out, HasSubstr("PASS"));
}

TEST_F(E2E, ConfigRunsFilteredTargetsInMntVmtestAndExitsWithTheFailureCount) {
    std::filesystem::create_symlink(m_kernel, m_project / "kernel");
    write_file("vmtest.toml", R"(
[[target]]
name = "passes"
kernel = "kernel"
command = "pwd; test -f vmtest.toml"

[[target]]
name = "fails"
kernel = "kernel"
command = "exit 7"

[[target]]
name = "filtered-out"
kernel = "kernel"
command = "true"
)");
    const auto result = vmtest({"-f", "^(passes|fails)$"});
    EXPECT_EQ(result.status, 1) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("=> passes\n"));
    EXPECT_THAT(result.out, HasSubstr("/mnt/vmtest\n"));
    EXPECT_THAT(result.out, HasSubstr("=> fails\n"));
    EXPECT_THAT(result.out, Not(HasSubstr("filtered-out")));
    EXPECT_THAT(result.out, HasSubstr("PASS"));
    EXPECT_THAT(result.out, HasSubstr("FAILED (command exited with status 7)"));
}

TEST_F(E2E, TimeoutStopsTheVmAndFailsTheTarget) {
    write_file("vmtest.toml", "[[target]]\nname = \"slow\"\nkernel = \"" + m_kernel.string() +
                                  "\"\ncommand = \"sleep 600\"\ntimeout = 2\n");
    const auto result = vmtest({});
    EXPECT_EQ(result.status, 124) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("timed out after 2 s running the command"));
    EXPECT_LT(result.seconds, 120);
}

TEST_F(E2E, GuestKernelPanicFailsQuicklyAndShowsThePanic) {
    const auto result = vmtest({"-k", m_kernel.string(), "echo c > /proc/sysrq-trigger; sleep 600"});
    EXPECT_EQ(result.status, 69) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("the guest kernel panicked"));
    EXPECT_THAT(result.out, HasSubstr("Kernel panic - not syncing"));
    EXPECT_LT(result.seconds, 120);
}

TEST_F(E2E, QemuFailingToStartShowsQemusOwnError) {
    write_file("vmtest.toml", "[[target]]\nname = \"bad-qemu\"\nkernel = \"" + m_kernel.string() +
                                  "\"\ncommand = \"true\"\n[target.vm]\n"
                                  "extra_args = [\"-no-such-option\"]\n");
    const auto result = vmtest({});
    EXPECT_EQ(result.status, 69) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("-no-such-option: invalid option"));
}

TEST_F(E2E, OutputStreamsLiveAndCtrlCTearsDownTheVmAndEverythingElse) {
    VmtestProcess process(options({"-k", m_kernel.string(), "echo streaming-live; sleep 600"}));
    // The command never ends, so seeing its output proves it streams.
    ASSERT_TRUE(process.wait_for_output(
        [](const std::string& out, const std::string&) {
            return out.find("streaming-live\n") != std::string::npos;
        },
        std::chrono::seconds(180)))
        << process.out() << process.err();
    process.send_signal(SIGINT);
    EXPECT_EQ(process.wait(std::chrono::seconds(30)), 130) << process.out() << process.err();
}

TEST_F(E2E, KernelWithoutModulesFailsNamingReleaseAndPath) {
    // Debian's kernel with another release string: same code, no modules.
    std::ifstream in(m_kernel, std::ios::binary);
    std::string image((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto at = image.find(m_release + " (");
    ASSERT_NE(at, std::string::npos);
    const std::string fake = "0.0-nomods";
    ASSERT_LE(fake.size(), m_release.size());
    image.replace(at, m_release.size(), fake + std::string(m_release.size() - fake.size(), ' '));
    std::ofstream(m_project / "vmlinuz-nomods", std::ios::binary) << image;
    // No space in the release: the header's string ends at the first space.

    const auto result = vmtest({"-k", (m_project / "vmlinuz-nomods").string(), "true"});
    EXPECT_EQ(result.status, 69) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("0.0-nomods"));
    EXPECT_THAT(result.out, HasSubstr("/lib/modules/0.0-nomods"));
}

TEST_F(E2E, BadConfigIsOneLineNamingFileLineAndFieldAndStartsNoVm) {
    write_file("vmtest.toml", "[[target]]\nname = \"x\"\nkernal = \"/boot/vmlinuz\"\n"
                              "command = \"true\"\n");
    const auto result = vmtest({});
    EXPECT_EQ(result.status, 2) << describe(result);
    EXPECT_THAT(result.err, HasSubstr("vmtest.toml:3:"));
    EXPECT_THAT(result.err, HasSubstr("kernal"));
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_LT(result.seconds, 5);
}

}  // namespace
}  // namespace vmtest::e2e

namespace vmtest::e2e {
namespace {

TEST_F(E2E, DashGivesAnInteractiveShellOnTheGuestWiredToTheTerminal) {
    // `script` gives vmtest a pseudo-terminal, as a person's would be; the
    // typed lines come from a file. HOME is the project: the login shell
    // would read the host's ~/.bashrc, which can take a minute under TCG.
    write_file("typed.txt", "echo shell-on-$(hostname)\nexit 5\n");
    const std::string command = "cd '" + m_project.string() + "' && HOME='" + m_project.string() +
                                "' XDG_RUNTIME_DIR='" +
                                m_runtime.string() + "' VMTEST_CACHE_DIR='" VMTEST_E2E_CACHE_DIR
                                "' script -qec \"'" VMTEST_BINARY "' -k '" + m_kernel.string() +
                                "' - < typed.txt\" /dev/null";
    FILE* pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string out;
    char buffer[4096];
    while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) {
        out.append(buffer, n);
    }
    const int status = pclose(pipe);
    EXPECT_EQ(WEXITSTATUS(status), 5) << out;
    EXPECT_THAT(out, ::testing::HasSubstr("shell-on-vmtest"));
}

}  // namespace
}  // namespace vmtest::e2e

namespace vmtest::e2e {
namespace {

TEST_F(E2E, KernelWithEverythingBuiltInNeedsNoModules) {
    const char* kernel = std::getenv("VMTEST_E2E_BUILTIN_KERNEL");
    if (!kernel || !*kernel) {
        GTEST_SKIP() << "VMTEST_E2E_BUILTIN_KERNEL is not set (.ci/run builds one from "
                        "../shared/kernel)";
    }
    const auto result = vmtest({"-k", kernel, "uname -r; echo built-in > built-in.txt"});
    EXPECT_EQ(result.status, 0) << describe(result);
    EXPECT_THAT(result.out, ::testing::HasSubstr(release_of(kernel) + "\n"));
    EXPECT_EQ(read_file("built-in.txt"), "built-in\n");
}

}  // namespace
}  // namespace vmtest::e2e
