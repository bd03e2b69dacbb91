// Image targets: whole Debian systems booted from disk images with SeaBIOS
// and with OVMF, built by tests/images/build-test-image.sh (.ci/test-images
// caches them per machine and .ci/run exports their paths). A systemd boot
// under TCG takes a minute or more, so each test boots once and checks
// everything that boot can show.
#include <csignal>
#include <cstdlib>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "e2e_fixture.hpp"
#include "image/uefi_firmware.hpp"
#include "kernel_source/sha256.hpp"

namespace vmtest::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Generous: a full boot under TCG on a loaded 2-core machine.
constexpr int k_boot_timeout_s = 400;
constexpr auto k_run_timeout = std::chrono::seconds(900);

std::filesystem::path image_from_env(const char* name) {
    const char* value = std::getenv(name);
    return value && *value ? std::filesystem::path(value) : std::filesystem::path();
}

// Image targets' configs; the refusals need no image.
class ImageInputs : public E2E {
  protected:
    // A vmtest.toml target booting `image`.
    static std::string target(const std::string& name, const std::filesystem::path& image,
                              const std::string& command, const std::string& more = "") {
        return "[[target]]\nname = \"" + name + "\"\nimage = \"" + image.string() +
               "\"\ncommand = \"\"\"" + command +
               "\"\"\"\nboot_timeout = " + std::to_string(k_boot_timeout_s) + "\n" + more + "\n";
    }
};

// The boots need the test images.
class ImageTargets : public ImageInputs {
  protected:
    void SetUp() override {
        m_bios_image = image_from_env("VMTEST_E2E_BIOS_IMAGE");
        m_uefi_image = image_from_env("VMTEST_E2E_UEFI_IMAGE");
        m_noagent_image = image_from_env("VMTEST_E2E_NOAGENT_IMAGE");
        if (m_bios_image.empty() || m_uefi_image.empty() || m_noagent_image.empty()) {
            GTEST_SKIP() << "VMTEST_E2E_BIOS_IMAGE, VMTEST_E2E_UEFI_IMAGE and "
                            "VMTEST_E2E_NOAGENT_IMAGE are not set (.ci/test-images builds them "
                            "with tests/images/build-test-image.sh)";
        }
        ImageInputs::SetUp();
    }

    std::filesystem::path m_bios_image;
    std::filesystem::path m_uefi_image;
    std::filesystem::path m_noagent_image;
};

// What both firmwares' boots check: the image's own system (its hostname and
// its own kernel, whose modules it has), the project shared read-write at
// /mnt/vmtest as the working directory, a vm.mounts entry, bash.
constexpr const char* k_checks = "set -e; echo \"shell=$0 cwd=$(pwd) host=$(cat /etc/hostname)\"; "
                                 "test -d /lib/modules/$(uname -r) && echo own-kernel=$(uname -r); "
                                 "echo \"from $0\" > from-$(cat /sys/firmware/efi/fw_platform_size "
                                 "2>/dev/null || echo bios).txt; "
                                 "cat /srv/data/in.txt; echo written > /srv/data/out.txt";

// danobi/vmtest's test_run: a UEFI image with uefi = true and a not-UEFI
// image without it both boot and run their command.
TEST_F(ImageTargets, TestRunBootsAUefiImageAndANotUefiImage) {
    const auto bios_sum = kernel_source::sha256_file(m_bios_image);
    const auto uefi_sum = kernel_source::sha256_file(m_uefi_image);
    const auto ovmf = image::find_uefi_firmware("x86_64");
    ASSERT_TRUE(ovmf) << image::no_uefi_firmware_message("x86_64");
    const auto vars_sum = kernel_source::sha256_file(ovmf->vars);
    std::filesystem::create_directories(m_root / "data");
    std::ofstream(m_root / "data" / "in.txt") << "host data\n";
    const std::string mount = "[target.vm.mounts]\n\"/srv/data\" = { host_path = \"" +
                              (m_root / "data").string() + "\", writable = true }\n";
    write_file("vmtest.toml",
               target("not uefi image", m_bios_image, k_checks, mount) +
                   target("uefi image", m_uefi_image, k_checks, "uefi = true\n" + mount));

    const auto result = vmtest({"-v"}, k_run_timeout);
    ASSERT_EQ(result.status, 0) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("shell=bash cwd=/mnt/vmtest host=vmtest-image"));
    EXPECT_THAT(result.out, HasSubstr("own-kernel="));
    EXPECT_THAT(result.out, HasSubstr("host data"));
    EXPECT_EQ(read_file("from-bios.txt"), "from bash\n");
    EXPECT_EQ(read_file("from-64.txt"), "from bash\n"); // UEFI: /sys/firmware/efi exists
    std::ifstream out(m_root / "data" / "out.txt");
    std::string written((std::istreambuf_iterator<char>(out)), {});
    EXPECT_EQ(written, "written\n");
    // The stages came from the console (the agent may answer before the
    // login prompt, which ends the boot stages).
    EXPECT_THAT(result.err, HasSubstr("boot stage bootloader after"));
    EXPECT_THAT(result.err, HasSubstr("boot stage kernel after"));
    EXPECT_THAT(result.err, HasSubstr("boot stage init after"));
    // Never modified: neither the images nor the installed UEFI variables.
    EXPECT_EQ(kernel_source::sha256_file(m_bios_image), bios_sum);
    EXPECT_EQ(kernel_source::sha256_file(m_uefi_image), uefi_sum);
    EXPECT_EQ(kernel_source::sha256_file(ovmf->vars), vars_sum);
}

// The command's exit status is vmtest's, and image_writable writes through:
// to an image of the test's own, a qcow2 backed by the cached one.
TEST_F(ImageTargets, ImageWritableWritesToTheImageAndTheExitStatusIsTheCommands) {
    const auto backing_sum = kernel_source::sha256_file(m_bios_image);
    const auto own = m_root / "own.qcow2";
    const std::string create = "qemu-img create -q -f qcow2 -b '" + m_bios_image.string() +
                               "' -F qcow2 '" + own.string() + "'";
    ASSERT_EQ(std::system(create.c_str()), 0);
    const auto own_sum = kernel_source::sha256_file(own);
    write_file("vmtest.toml", target("writable", own,
                                     "dd if=/dev/urandom of=/root/big bs=1M count=8 && sync; "
                                     "exit 3",
                                     "image_writable = true"));
    const auto result = vmtest({}, k_run_timeout);
    EXPECT_EQ(result.status, 3) << describe(result);
    EXPECT_NE(kernel_source::sha256_file(own), own_sum) << "the guest's writes did not reach it";
    EXPECT_GT(std::filesystem::file_size(own), 8u * 1024 * 1024);
    EXPECT_EQ(kernel_source::sha256_file(m_bios_image), backing_sum);
}

TEST_F(ImageTargets, ACommandThatOverrunsItsTimeoutEndsLikeAKernelTargets) {
    write_file("vmtest.toml",
               target("slow", m_bios_image, "echo started; sleep 600", "timeout = 5"));
    const auto result = vmtest({}, k_run_timeout);
    EXPECT_EQ(result.status, 124) << describe(result);
    EXPECT_THAT(result.out + result.err, HasSubstr("running the command (timeout)"));
}

TEST_F(ImageTargets, CtrlCStopsTheImageAndLeavesNothing) {
    write_file("vmtest.toml", target("interrupted", m_uefi_image,
                                     "echo image-command-running; sleep 600", "uefi = true"));
    VmtestProcess process(options({}));
    ASSERT_TRUE(process.wait_for_output(
        [](const std::string& out, const std::string&) {
            return out.find("image-command-running\n") != std::string::npos;
        },
        std::chrono::seconds(k_boot_timeout_s)))
        << process.out() << process.err();
    process.send_signal(SIGINT);
    EXPECT_EQ(process.wait(std::chrono::seconds(30)), 130) << process.out() << process.err();
    // TearDown: no QEMU, nothing in the runtime directory (overlay, UEFI vars).
}

TEST_F(ImageTargets, AnImageWithoutAGuestAgentFailsSoonAfterItBootedSayingSo) {
    write_file("vmtest.toml", target("no agent", m_noagent_image, "echo unreachable"));
    const auto result = vmtest({}, k_run_timeout);
    EXPECT_EQ(result.status, 75) << describe(result);
    EXPECT_THAT(result.out + result.err,
                HasSubstr("the image booted but no guest agent answered: install and enable "
                          "qemu-guest-agent in the image"));
    EXPECT_THAT(result.out + result.err, HasSubstr("login:")); // the console's tail
    EXPECT_THAT(result.out, Not(HasSubstr("unreachable")));
    // Not the whole boot_timeout: the agent gets a short grace after the login prompt.
    EXPECT_LT(result.seconds, k_boot_timeout_s) << describe(result);
}

// An arm64 Debian image (VMTEST_E2E_ARM64_UEFI_IMAGE, from .ci/test-images)
// on QEMU's virt board under TCG, from AAVMF: no `uefi = true` needed,
// since arm64 has no BIOS.
class Aarch64ImageTarget : public ImageInputs {
  protected:
    void SetUp() override {
        m_image = image_from_env("VMTEST_E2E_ARM64_UEFI_IMAGE");
        if (m_image.empty()) {
            GTEST_SKIP() << "VMTEST_E2E_ARM64_UEFI_IMAGE is not set (.ci/test-images builds it "
                            "with tests/images/build-test-image.sh)";
        }
        ImageInputs::SetUp();
    }

    std::filesystem::path m_image;
};

TEST_F(Aarch64ImageTarget, BootsFromAavmfAndRunsTheCommandWithTheShares) {
    const auto image_sum = kernel_source::sha256_file(m_image);
    const auto aavmf = image::find_uefi_firmware("aarch64");
    ASSERT_TRUE(aavmf) << image::no_uefi_firmware_message("aarch64");
    const auto vars_sum = kernel_source::sha256_file(aavmf->vars);
    std::filesystem::create_directories(m_root / "data");
    std::ofstream(m_root / "data" / "in.txt") << "host data\n";
    const std::string more = "arch = \"aarch64\"\n[target.vm.mounts]\n\"/srv/data\" = { "
                             "host_path = \"" + (m_root / "data").string() +
                             "\", writable = true }\n";
    write_file("vmtest.toml",
               target("arm64 image", m_image, std::string(k_checks) + "; uname -m; exit 7", more));

    const auto result = vmtest({"-v"}, k_run_timeout);
    ASSERT_EQ(result.status, 7) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("shell=bash cwd=/mnt/vmtest host=vmtest-image"));
    EXPECT_THAT(result.out, HasSubstr("own-kernel="));
    EXPECT_THAT(result.out, HasSubstr("host data\naarch64\n"));
    EXPECT_EQ(read_file("from-64.txt"), "from bash\n");  // UEFI: /sys/firmware/efi exists
    std::ifstream out(m_root / "data" / "out.txt");
    std::string written((std::istreambuf_iterator<char>(out)), {});
    EXPECT_EQ(written, "written\n");
    EXPECT_THAT(result.err, HasSubstr("boot stage kernel after"));
    // Never modified: neither the image nor the installed UEFI variables.
    EXPECT_EQ(kernel_source::sha256_file(m_image), image_sum);
    EXPECT_EQ(kernel_source::sha256_file(aavmf->vars), vars_sum);
}

TEST_F(ImageInputs, AFileThatIsNotADiskImageIsRefusedInOneLineBeforeAnyBoot) {
    write_file("notes.txt", "not a disk\n");
    write_file("vmtest.toml", target("text", m_project / "notes.txt", "true") +
                                  target("kernel", m_kernel, "true"));
    const auto result = vmtest({}, std::chrono::seconds(60));
    EXPECT_EQ(result.status, 69) << describe(result);
    EXPECT_THAT(result.err, HasSubstr("image " + (m_project / "notes.txt").string() +
                                      " is not a disk image: no qcow2 header and no MBR or GPT "
                                      "partition table"));
    EXPECT_THAT(result.out + result.err, Not(HasSubstr("Booting")));
    EXPECT_LT(result.seconds, 10) << describe(result);
}

TEST_F(ImageInputs, AKernelGivenAsImageIsRefusedAsAKernel) {
    write_file("vmtest.toml", target("kernel as image", m_kernel, "true"));
    const auto result = vmtest({}, std::chrono::seconds(60));
    EXPECT_EQ(result.status, 69) << describe(result);
    EXPECT_THAT(result.err, HasSubstr("is not a disk image: it is a Linux kernel (bzImage); give "
                                      "it as `kernel`, not `image`"));
}

} // namespace
} // namespace vmtest::e2e
