// End-to-end: aarch64 guests on this x86_64 host, under TCG. Debian's arm64
// kernel boots on a Debian arm64 root filesystem (VMTEST_E2E_ARM64_ROOTFS,
// from .ci/arm64-rootfs, with the kernel under boot/ and its modules under
// lib/modules/) through the same shares, runner, reporters, timeouts, panic
// detection and teardown as x86_64 guests; the kernel also boots from its
// .deb (VMTEST_E2E_ARM64_KERNEL_DEB). Without them the booting tests skip
// and say so; the refusals need no arm64 files and run everywhere.
#include <cstdlib>
#include <fstream>

#include <gmock/gmock.h>

#include "../support/report_consumers.hpp"
#include "e2e_fixture.hpp"

namespace vmtest::e2e {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

class Aarch64E2E : public E2E {
  protected:
    void SetUp() override {
        E2E::SetUp();
        const char* rootfs = std::getenv("VMTEST_E2E_ARM64_ROOTFS");
        if (rootfs == nullptr || *rootfs == '\0') {
            GTEST_SKIP() << "VMTEST_E2E_ARM64_ROOTFS is not set (.ci/run sets it to the first "
                            "line .ci/arm64-rootfs prints: an arm64 Debian root filesystem)";
        }
        m_arm_root = rootfs;
        for (const auto& entry : fs::directory_iterator(m_arm_root / "boot")) {
            const auto name = entry.path().filename().string();
            if (name.starts_with("vmlinuz-")) {
                m_arm_kernel = entry.path();
                m_arm_release = name.substr(std::string_view("vmlinuz-").size());
            }
        }
        ASSERT_FALSE(m_arm_kernel.empty()) << "no boot/vmlinuz-* in " << m_arm_root;
    }

    // A config of one aarch64 target on the arm64 root, plus `rest`.
    std::string arm_target(const std::string& name, const std::string& command,
                           const std::string& rest = "") const {
        return "[[target]]\nname = \"" + name + "\"\narch = \"aarch64\"\nkernel = \"" +
               m_arm_kernel.string() + "\"\nrootfs = \"" + m_arm_root.string() +
               "\"\ncommand = \"" + command + "\"\n" + rest;
    }

    fs::path m_arm_root;
    fs::path m_arm_kernel;
    std::string m_arm_release;
};

TEST_F(Aarch64E2E, OneLinerRunsTheCommandOnAnArm64KernelAndReturnsItsStatus) {
    // The kernel given as the root filesystem's installed-kernel directory:
    // its modules come from the same root.
    const auto result =
        vmtest({"-a", "aarch64", "-k", m_arm_root.string(), "-r", m_arm_root.string(),
                "uname -m; uname -r; grep -c '^9p ' /proc/modules; exit 3"});
    EXPECT_EQ(result.status, 3) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("aarch64\n" + m_arm_release + "\n1\n"));
}

TEST_F(Aarch64E2E, ProjectIsWritableAndMountsAndReportersWorkAsOnX8664) {
    fs::create_directories(m_root / "data");
    std::ofstream(m_root / "data/input") << "from-the-host\n";
    write_file("vmtest.toml", arm_target("arm", "cat /data/input > /mnt/vmtest/copied && uname -m",
                                         "[target.vm]\nmounts = { \"/data\" = { host_path = \"" +
                                             (m_root / "data").string() + "\" } }\n"));
    const auto result = vmtest({"--reporter", "junit=" + (m_project / "junit.xml").string()});
    EXPECT_EQ(result.status, 0) << describe(result);
    EXPECT_EQ(read_file("copied"), "from-the-host\n");
    const auto report = report_testing::read_junit(m_project / "junit.xml");
    const auto& target = report_testing::test_case(report_testing::suite(report, "arm"), "arm");
    EXPECT_EQ(target["verdict"], "pass");
    EXPECT_THAT(target["system_out"].get<std::string>(), HasSubstr("aarch64"));
}

TEST_F(Aarch64E2E, VirtiofsServesTheArm64Root) {
    write_file("vmtest.toml",
               arm_target("arm-virtiofs",
                          "grep -c '^virtiofs ' /proc/modules; touch /mnt/vmtest/written; uname -m",
                          "share = \"virtiofs\"\n"));
    const auto result = vmtest({});
    EXPECT_EQ(result.status, 0) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("1\naarch64\n"));
    EXPECT_TRUE(fs::exists(m_project / "written"));
}

TEST_F(Aarch64E2E, KernelFromItsPackageBringsItsModules) {
    const char* deb = std::getenv("VMTEST_E2E_ARM64_KERNEL_DEB");
    if (deb == nullptr || *deb == '\0') {
        GTEST_SKIP() << "VMTEST_E2E_ARM64_KERNEL_DEB is not set (.ci/run sets it to the second "
                        "line .ci/arm64-rootfs prints: the arm64 kernel's .deb)";
    }
    const auto result = vmtest({"-a", "aarch64", "-k", deb, "-r", m_arm_root.string(),
                                "uname -r; grep -c '^9p ' /proc/modules"});
    EXPECT_EQ(result.status, 0) << describe(result);
    EXPECT_THAT(result.out, HasSubstr(m_arm_release + "\n1\n"));
}

TEST_F(Aarch64E2E, GzipCompressedImageBootsWithTheRootsModules) {
    // Image.gz, as `make` leaves it beside Image: QEMU decompresses it, and
    // vmtest reads the release from inside it to find the modules.
    const fs::path gzipped = m_project / "Image.gz";
    const std::string gzip =
        "gzip -1 -c '" + m_arm_kernel.string() + "' > '" + gzipped.string() + "'";
    ASSERT_EQ(std::system(gzip.c_str()), 0);
    const auto result = vmtest({"-a", "aarch64", "-k", gzipped.string(), "-r", m_arm_root.string(),
                                "uname -r; grep -c '^9p ' /proc/modules"});
    EXPECT_EQ(result.status, 0) << describe(result);
    EXPECT_THAT(result.out, HasSubstr(m_arm_release + "\n1\n"));
}

TEST_F(Aarch64E2E, TimeoutStopsTheGuestAndLeavesNothing) {
    write_file("vmtest.toml", arm_target("slow", "sleep 600", "timeout = 2\n"));
    const auto result = vmtest({});
    EXPECT_EQ(result.status, 124) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("timed out after 2 s running the command"));
}

TEST_F(Aarch64E2E, GuestKernelPanicIsDetected) {
    // Without -k, another arch's one-liner boots its root filesystem's kernel.
    const auto result = vmtest(
        {"-a", "aarch64", "-r", m_arm_root.string(), "echo c > /proc/sysrq-trigger; sleep 600"});
    EXPECT_EQ(result.status, 69) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("the guest kernel panicked"));
    EXPECT_THAT(result.out, HasSubstr("Kernel panic - not syncing"));
}

TEST_F(Aarch64E2E, CtrlCLeavesNothing) {
    VmtestProcess process(options({"-a", "aarch64", "-k", m_arm_kernel.string(), "-r",
                                   m_arm_root.string(), "echo running; sleep 600"}));
    ASSERT_TRUE(process.wait_for_output(
        [](const std::string& out, const std::string&) {
            return out.find("running\n") != std::string::npos;
        },
        std::chrono::seconds(240)))
        << process.out() << process.err();
    process.send_signal(SIGINT);
    EXPECT_EQ(process.wait(std::chrono::seconds(30)), 130) << process.out() << process.err();
}

TEST_F(Aarch64E2E, Arm64RootForAnX8664TargetIsRefusedBeforeBoot) {
    const auto result = vmtest({"-k", m_kernel.string(), "-r", m_arm_root.string(), "true"});
    EXPECT_EQ(result.status, 2) << describe(result);
    EXPECT_THAT(result.err, HasSubstr("vmtest: --rootfs: " + m_arm_root.string() +
                                      " holds aarch64 programs (its shell is one), but arch is "
                                      "\"x86_64\"\n"));
    EXPECT_EQ(qemu_processes_mentioning(m_root.string()).size(), 0U);
}

TEST_F(E2E, Aarch64WithoutARootFilesystemIsRefusedBeforeBoot) {
    write_file("vmtest.toml", "[[target]]\nname = \"arm\"\nkernel = \"" + m_kernel.string() +
                                  "\"\narch = \"aarch64\"\ncommand = \"true\"\n");
    const auto result = vmtest({});
    EXPECT_EQ(result.status, 2) << describe(result);
    EXPECT_THAT(result.err, HasSubstr("vmtest.toml:4:1: target 'arm': field 'arch': \"aarch64\" "
                                      "cannot run the host's own root, whose programs are "
                                      "x86_64: give a root filesystem of aarch64 (rootfs, -r)"));
    EXPECT_THAT(result.out, Not(HasSubstr("Booting")));
}

TEST_F(E2E, ListingCarriesTheArch) {
    write_file("vmtest.toml", "[[target]]\nname = \"arm\"\nkernel = \"Image\"\narch = \"aarch64\""
                              "\nrootfs = \"arm64-root\"\ncommand = \"true\"\n");
    const auto result = vmtest({"--list", "--json"});
    EXPECT_EQ(result.status, 0) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("\"arch\":\"aarch64\""));
}

} // namespace
} // namespace vmtest::e2e
