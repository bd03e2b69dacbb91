// End-to-end: what vmtest guarantees whatever the guest, QEMU or a wrapper
// does. Nothing it started outlives it, even a process that left QEMU's
// process group (a daemon started by a qemu_command wrapper, QEMU itself
// with -daemonize); Ctrl-C/SIGTERM during the KVM probe stops the run
// before anything boots; a guest that dies before its console starts fails
// at once; a boot that is only slow ends with its own exit status.
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <thread>
#include <unistd.h>

#include <gmock/gmock.h>

#include "e2e_fixture.hpp"

namespace vmtest::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

using Clock = std::chrono::steady_clock;

class Robustness : public E2E {
  protected:
    void SetUp() override {
        E2E::SetUp();
        // Unique to this test run: `sleep 31337.<pid>` is ours and no one else's.
        m_marker = "31337." + std::to_string(getpid());
    }

    // An executable script in the project directory, for qemu_command.
    void write_script(const std::string& name, const std::string& body) const {
        write_file(name, "#!/bin/sh\n" + body + "\n");
        std::filesystem::permissions(m_project / name, std::filesystem::perms::owner_all);
    }

    std::string target(const std::string& name, const std::string& extra) const {
        return "[[target]]\nname = \"" + name + "\"\nkernel = \"" + m_kernel.string() +
               "\"\ncommand = \"true\"\n" + extra + "\n";
    }

    std::string m_marker;
};

TEST_F(Robustness, ProcessesThatLeftQemusProcessGroupAreStoppedWithTheirTarget) {
    // The first wrapper daemonizes a sleep away from QEMU (setsid, double
    // fork) and runs QEMU; the second notes whether that sleep still runs,
    // then runs QEMU with -daemonize, which forks away and exits at once.
    write_script("fake-qemu.sh", "setsid sh -c 'sleep " + m_marker +
                                     " &' </dev/null >/dev/null 2>&1 &\n"
                                     "exec qemu-system-x86_64 \"$@\"");
    write_script("daemonizing-qemu.sh", "if pgrep -f 'sleep " + m_marker +
                                            "' >/dev/null; then touch sleep-outlived-target; fi\n"
                                            "exec qemu-system-x86_64 \"$@\" -daemonize");
    write_file("vmtest.toml",
               target("wrapper-daemonizes", "backend = \"qemu-tcg\"\n"
                                            "qemu_command = \"./fake-qemu.sh\"") +
                   target("qemu-daemonizes", "backend = \"qemu-tcg\"\n"
                                             "qemu_command = \"./daemonizing-qemu.sh\""));
    const auto result = vmtest({});

    EXPECT_EQ(result.status, 1) << describe(result);  // the daemonized QEMU's target failed
    EXPECT_THAT(result.out, HasSubstr("PASS"));
    EXPECT_THAT(result.out, HasSubstr("the VM exited unexpectedly (status 0)"));
    EXPECT_THAT(result.err, HasSubstr("left running after the VM's teardown: sleep (pid"));
    EXPECT_THAT(result.err, HasSubstr("left running after the VM's teardown: qemu-system-x86"));
    EXPECT_FALSE(std::filesystem::exists(m_project / "sleep-outlived-target"))
        << "the first target's daemon still ran when the second one started";
    EXPECT_THAT(processes_mentioning("sleep " + m_marker), IsEmpty());
    EXPECT_THAT(qemu_processes_mentioning(m_root.string()), IsEmpty());
}

TEST_F(Robustness, SigtermDuringTheKvmProbeStopsTheRunBeforeAnythingBoots) {
    const int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) {
        GTEST_SKIP() << "no usable /dev/kvm: backend auto does not probe here";
    }
    close(kvm);
    // The probe's QEMU hangs as it does under broken nested KVM (here a
    // sleep stands in, whether or not KVM works on this host); a boot would
    // leave a file.
    write_script("probe-hangs.sh", "case \"$*\" in *kvm-probe*) touch probe-started; exec sleep " +
                                       m_marker +
                                       ";; esac\ntouch booted\n"
                                       "exec qemu-system-x86_64 \"$@\"");
    write_file("vmtest.toml", target("auto", "qemu_command = \"./probe-hangs.sh\""));
    auto opts = options({});
    const auto cache = m_root / "fresh-cache";  // no KVM verdict yet: the probe runs
    opts.env["VMTEST_CACHE_DIR"] = cache.string();
    VmtestProcess process(opts);
    ASSERT_TRUE(process.wait_for_output(
        [&](const std::string&, const std::string&) {
            return std::filesystem::exists(m_project / "probe-started");
        },
        std::chrono::seconds(120)))
        << process.out() << process.err();

    const auto signalled = Clock::now();
    process.send_signal(SIGTERM);
    const int status = process.wait(std::chrono::seconds(30));
    const double seconds = std::chrono::duration<double>(Clock::now() - signalled).count();

    EXPECT_EQ(status, 143) << process.out() << process.err();
    EXPECT_LT(seconds, 2.0) << "the probe lasts 5 s; vmtest must not wait for it";
    EXPECT_FALSE(std::filesystem::exists(m_project / "booted")) << process.out() << process.err();
    EXPECT_THAT(process.out(), Not(HasSubstr("Booting")));
    EXPECT_FALSE(std::filesystem::exists(cache / "kvm-verdict.json"))
        << "an interrupted probe is no verdict";
    EXPECT_THAT(processes_mentioning("sleep " + m_marker), IsEmpty());
}

TEST_F(Robustness, AGuestThatDiesBeforeItsConsoleStartsFailsAtOnceWithThePanic) {
    // 64 MiB: Debian's kernel loads, then faults before its console driver
    // runs. Without earlyprintk the console stays empty and the guest sits
    // halted until boot_timeout (here the 600 s default). The wrapper sets
    // the memory, so no config-time check stands in the way.
    write_script("small-qemu.sh", "exec qemu-system-x86_64 \"$@\" -m 64M");
    write_file("vmtest.toml",
               target("small", "backend = \"qemu-tcg\"\nqemu_command = \"./small-qemu.sh\""));
    const auto result = vmtest({});
    EXPECT_EQ(result.status, 69) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("the guest kernel panicked"));
    EXPECT_LT(result.seconds, 60) << describe(result);
}

TEST_F(Robustness, ABootThatIsOnlySlowEndsWithTheBootTimeoutsOwnStatus) {
    // boot_delay stalls every console message of the boot: the console keeps
    // moving, slowly, as a loaded TCG host's would. No rule may fire; the
    // deadline ends it.
    write_file("vmtest.toml", target("slow", "backend = \"qemu-tcg\"\nboot_timeout = 4\n"
                                             "kernel_args = \"loglevel=8 boot_delay=50\""));
    const auto result = vmtest({"--reporter", "tap=report.tap"});
    EXPECT_EQ(result.status, 75) << describe(result);
    EXPECT_THAT(result.out,
                HasSubstr("timed out after 4 s waiting for the guest to boot (boot_timeout)"));
    EXPECT_THAT(read_file("report.tap"), HasSubstr("error_kind: boot_timeout"));
    EXPECT_LT(result.seconds, 60) << describe(result);
}

}  // namespace
}  // namespace vmtest::e2e
