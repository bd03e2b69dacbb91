// End-to-end: inputs that used to crash vmtest, hang it or its boot, or
// fail only after a boot, refused by the real binary at once: exit 2, one
// line naming the file and line (or the flag), and no VM started.
#include <sys/stat.h>

#include <csignal>
#include <fstream>

#include <gmock/gmock.h>

#include "e2e_fixture.hpp"

namespace vmtest::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class RefusedInputs : public E2E {
  protected:
    // The refusal: exit 2, quickly, one line (and for a flag's value the
    // usual "(see vmtest --help)" after it).
    void expect_refused(const RunResult& result, const std::string& line_start,
                        int lines = 1) const {
        EXPECT_EQ(result.status, 2) << describe(result);
        EXPECT_THAT(result.err, StartsWith(line_start)) << describe(result);
        EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), lines) << result.err;
        EXPECT_LT(result.seconds, 10) << describe(result);
    }

    std::string target(const std::string& rest) const {
        return "[[target]]\nname = \"t\"\nkernel = \"" + m_kernel.string() +
               "\"\ncommand = \"true\"\n" + rest;
    }
};

TEST_F(RefusedInputs, ConfigThatCrashedOrRanAwayIsOneLine) {
    // A 60,000-part dotted key overflowed toml++'s stack (SIGSEGV).
    std::string key = "a";
    for (int i = 1; i < 60000; ++i) {
        key += ".a";
    }
    write_file("vmtest.toml", key + " = 1\n");
    expect_refused(vmtest({}), "vmtest.toml:1:1: key (its dotted parts");

    // -c /dev/zero read forever, ignoring SIGTERM, growing to 16 GB.
    expect_refused(vmtest({"-c", "/dev/zero"}),
                   "/dev/zero: is a character device, not a regular file");

    // A FIFO with no writer blocked in open().
    ASSERT_EQ(::mkfifo((m_project / "fifo.toml").c_str(), 0600), 0);
    expect_refused(vmtest({"-c", "fifo.toml"}),
                   "fifo.toml: is a FIFO (named pipe), not a regular file");
}

TEST_F(RefusedInputs, UnknownPluginsInTheConfigNameFileAndLine) {
    for (const std::string field : {"backend", "share", "runner"}) {
        write_file("vmtest.toml", target("\n" + field + " = \"nosuch\"\n"));
        expect_refused(vmtest({}), "vmtest.toml:6:1: target 't': field '" + field + "': no " +
                                       field + " plugin named 'nosuch'");
    }
    // Set by the flag instead, the flag is named.
    write_file("vmtest.toml", target("backend = \"nosuch\"\n"));
    expect_refused(vmtest({"--backend", "nosuch2"}),
                   "vmtest: --backend: no backend plugin named 'nosuch2'");
}

TEST_F(RefusedInputs, InputsThatHungTheBootAreRefusedBeforeIt) {
    write_file("vmtest.toml", target("[target.vm]\nmemory = \"16M\"\n"));
    expect_refused(vmtest({}), "vmtest.toml:6:1: target 't': field 'vm.memory' must be at least");

    write_file("vmtest.toml", target("kernel_args = \"" + std::string(2100, 'x') + "\"\n"));
    expect_refused(vmtest({}), "vmtest.toml:5:1: target 't': field 'kernel_args' makes the "
                               "kernel command line 2182 bytes long");

    expect_refused(vmtest({"-k", m_kernel.string(), "--kargs", std::string(2100, 'x'), "true"}),
                   "vmtest: --kargs: makes the kernel command line 2182 bytes long", 2);

    write_file("vmtest.toml", target("[target.vm]\nextra_args = [\"-S\"]\n"));
    expect_refused(vmtest({}), "vmtest.toml:6:15: target 't': field 'vm.extra_args[0]': QEMU "
                               "option -S is not allowed");

    write_file("vmtest.toml", target("[target.vm.mounts]\n\"/proc\" = { host_path = \".\" }\n"));
    expect_refused(vmtest({}), "vmtest.toml:6:1: target 't': field 'vm.mounts': guest path "
                               "\"/proc\" is inside /proc");
}

TEST_F(RefusedInputs, KernelThatIsNoFileSaysWhatItIs) {
    // A directory may hold a kernel (an installed one, or a build tree);
    // this one holds none, and says what it looked for.
    const auto directory = vmtest({"-k", m_project.string(), "true"});
    EXPECT_EQ(directory.status, 69) << describe(directory);
    EXPECT_THAT(directory.err, HasSubstr("holds no kernel: neither boot/vmlinuz-* (an installed "
                                         "kernel) nor arch/x86/boot/bzImage, arch/arm64/boot/Image, "
                                         "arch/arm64/boot/Image.gz (a built kernel tree)"));
    const auto device = vmtest({"-k", "/dev/zero", "true"});
    EXPECT_EQ(device.status, 69) << describe(device);
    EXPECT_THAT(device.out,
                HasSubstr("kernel /dev/zero is a character device, not a kernel image file"));
}

}  // namespace
}  // namespace vmtest::e2e
