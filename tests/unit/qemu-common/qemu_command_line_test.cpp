#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "qemu_command_line.hpp"
#include "vmtest/sdk/plugin.hpp"

namespace vmtest::qemu {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

sdk::VmSpec basic_spec() {
    sdk::VmSpec spec;
    spec.kernel = "/k/vmlinux";
    spec.initrd = "/run/x/initramfs.cpio";
    spec.cmdline = "console=ttyS0 quiet";
    spec.cpus = 3;
    spec.memory = "2G";
    spec.console_log = "/run/x/console.log";
    spec.channels = {{"org.qemu.guest_agent.0", "/run/x/ch0.sock"}};
    spec.attachments = {{"9p", "vmtest_root", "/", "", true}};
    return spec;
}

// The value following `flag` (first occurrence).
std::string after(const std::vector<std::string>& argv, const std::string& flag) {
    const auto it = std::find(argv.begin(), argv.end(), flag);
    return it != argv.end() && it + 1 != argv.end() ? *(it + 1) : "";
}

// Why qemu_command_line refuses `spec` under TCG: its message when the
// refusal is VMTEST_UNSUPPORTED, as it should be.
std::string refusal_of(const sdk::VmSpec& spec) {
    try {
        qemu_command_line(spec, Accelerator::tcg, {"/q"});
    } catch (const sdk::Error& e) {
        return e.status() == VMTEST_UNSUPPORTED
                   ? e.what()
                   : "status " + std::to_string(e.status()) + ": " + e.what();
    }
    return "<accepted>";
}

std::string joined(const std::vector<std::string>& argv) {
    std::string text;
    for (const auto& arg : argv) {
        text += arg + " ";
    }
    return text;
}

TEST(QemuCommandLine, TcgUsesSoftwareEmulationWithEveryCpuFeature) {
    const auto argv = qemu_command_line(basic_spec(), Accelerator::tcg, {"/run/x/qmp.sock"});
    EXPECT_EQ(argv.front(), "qemu-system-x86_64");
    EXPECT_EQ(after(argv, "-accel"), "tcg,thread=multi");
    EXPECT_EQ(after(argv, "-cpu"), "max");
    EXPECT_EQ(after(argv, "-smp"), "3");
    EXPECT_EQ(after(argv, "-m"), "2G");
    EXPECT_EQ(after(argv, "-kernel"), "/k/vmlinux");
    EXPECT_EQ(after(argv, "-initrd"), "/run/x/initramfs.cpio");
    EXPECT_EQ(after(argv, "-append"), "console=ttyS0 quiet");
    EXPECT_THAT(argv, Contains("-no-reboot"));
    EXPECT_THAT(argv, Contains("-nodefaults"));
}

TEST(QemuCommandLine, KvmUsesHostCpuUnlessKvmCpuArgsSayOtherwise) {
    auto spec = basic_spec();
    auto argv = qemu_command_line(spec, Accelerator::kvm, {"/q"});
    EXPECT_EQ(after(argv, "-accel"), "kvm");
    EXPECT_EQ(after(argv, "-cpu"), "host");

    QemuOptions options;
    options.kvm_cpu_args = "host,pmu=off";
    EXPECT_EQ(after(qemu_command_line(spec, Accelerator::kvm, {"/q"}, options), "-cpu"),
              "host,pmu=off");

    options.kvm_cpu_args = "-cpu qemu64 -smp sockets=1"; // whole arguments, as some users pass
    argv = qemu_command_line(spec, Accelerator::kvm, {"/q"}, options);
    EXPECT_EQ(after(argv, "-cpu"), "qemu64");
    EXPECT_THAT(joined(argv), HasSubstr("-smp sockets=1"));
}

TEST(QemuCommandLine, NinePExportsRemapDevicesAndHonourReadOnly) {
    auto spec = basic_spec();
    spec.attachments.push_back({"9p", "vmtest_project", "/home/a,b", "", false});
    const auto text = joined(qemu_command_line(spec, Accelerator::tcg, {"/q"}));
    EXPECT_THAT(text, HasSubstr("-fsdev local,id=share0,path=/,security_model=none,"
                                "multidevs=remap,readonly=on -device "
                                "virtio-9p-pci,fsdev=share0,mount_tag=vmtest_root"));
    // A comma in a path is doubled, as QEMU's option syntax needs.
    EXPECT_THAT(text, HasSubstr("path=/home/a,,b,security_model=none,multidevs=remap -device"));
}

TEST(QemuCommandLine, ChannelsAreVirtioSerialPortsBackedByListeningSockets) {
    const auto text =
        joined(qemu_command_line(basic_spec(), Accelerator::tcg, {"/run/x/qmp.sock"}));
    EXPECT_THAT(text,
                HasSubstr("-chardev socket,id=channel0,path=/run/x/ch0.sock,server=on,wait=off "
                          "-device virtserialport,bus=vmtest-serial.0,chardev=channel0,"
                          "name=org.qemu.guest_agent.0"));
    EXPECT_THAT(text, HasSubstr("-qmp unix:/run/x/qmp.sock,server=on,wait=off"));
    EXPECT_THAT(
        text,
        HasSubstr("-chardev file,id=console,path=/run/x/console.log -serial chardev:console"));
}

TEST(QemuCommandLine, VirtiofsGetsSharedMemoryForTheHelper) {
    auto spec = basic_spec();
    spec.attachments = {{"vhost-user-fs", "vmtest_root", "", "/run/x/fs0.sock", true}};
    const auto text = joined(qemu_command_line(spec, Accelerator::tcg, {"/q"}));
    EXPECT_THAT(
        text,
        HasSubstr("-object memory-backend-memfd,id=mem,share=on,size=2G -numa node,memdev=mem"));
    EXPECT_THAT(text, HasSubstr("vhost-user-fs-pci,chardev=share0,tag=vmtest_root"));
}

TEST(QemuCommandLine, OverridesAndExtraArgumentsComeThrough) {
    auto spec = basic_spec();
    spec.uefi = true;
    // The spec's deprecated members are for other backends; QEMU's take options.
    spec.qemu_command = "/ignored";
    spec.extra_args = {"-ignored"};
    const QemuOptions options{
        "/opt/qemu/bin/qemu-system-x86_64", "", {"-device", "virtio-rng-pci"}};
    const auto argv = qemu_command_line(spec, Accelerator::tcg, {"/q"}, options);
    EXPECT_EQ(argv.front(), "/opt/qemu/bin/qemu-system-x86_64");
    EXPECT_EQ(argv[argv.size() - 2], "-device");
    EXPECT_EQ(argv.back(), "virtio-rng-pci");
    EXPECT_EQ(after(argv, "-bios"), "/usr/share/ovmf/OVMF.fd");
}

TEST(QemuCommandLine, RefusesWhatItCannotExpressByName) {
    auto spec = basic_spec();
    spec.attachments = {{"nfs", "t", "/x", "", true}};
    EXPECT_EQ(refusal_of(spec),
              "QEMU cannot attach a share of type 'nfs' (supported: 9p, vhost-user-fs)");
    spec = basic_spec();
    spec.arch = "riscv64";
    EXPECT_EQ(refusal_of(spec), "QEMU backends boot x86_64 and aarch64 guests, not 'riscv64'");
}

TEST(QemuCommandLine, Aarch64BootsTheVirtBoardWithTheSameDevices) {
    auto spec = basic_spec();
    spec.arch = "aarch64";
    const auto argv = qemu_command_line(spec, Accelerator::tcg, {"/run/x/qmp.sock"});
    EXPECT_EQ(argv.front(), "qemu-system-aarch64");
    EXPECT_EQ(after(argv, "-machine"), "virt,gic-version=max");
    EXPECT_EQ(after(argv, "-cpu"), "max,pauth-impdef=on");
    EXPECT_EQ(after(argv, "-accel"), "tcg,thread=multi");
    EXPECT_EQ(after(argv, "-kernel"), "/k/vmlinux");
    const auto text = joined(argv);
    EXPECT_THAT(text, HasSubstr("-serial chardev:console"));
    EXPECT_THAT(text, HasSubstr("virtio-9p-pci,fsdev=share0,mount_tag=vmtest_root"));
    EXPECT_THAT(text, HasSubstr("-device virtio-serial-pci"));

    const auto kvm = qemu_command_line(spec, Accelerator::kvm, {"/q"});
    EXPECT_EQ(after(kvm, "-accel"), "kvm");
    EXPECT_EQ(after(kvm, "-cpu"), "host");
}

TEST(QemuCommandLine, Aarch64DiskBootsWithUefiFlashOnly) {
    auto spec = basic_spec();
    spec.arch = "aarch64";
    spec.kernel.clear();
    spec.disks = {{"/img.qcow2", "qcow2", false, true, true}};
    EXPECT_EQ(refusal_of(spec),
              "a disk of an aarch64 guest boots with UEFI only: the VM spec gives no firmware");
    spec.uefi = true;
    spec.uefi_code = "/usr/share/AAVMF/AAVMF_CODE.fd";
    spec.uefi_vars = "/run/x/uefi-vars.fd";
    const auto text = joined(qemu_command_line(spec, Accelerator::tcg, {"/q"}));
    EXPECT_THAT(text, HasSubstr("-machine virt,gic-version=max"));
    EXPECT_THAT(text, HasSubstr("-drive if=pflash,format=raw,unit=0,readonly=on,"
                                "file=/usr/share/AAVMF/AAVMF_CODE.fd -drive "
                                "if=pflash,format=raw,unit=1,file=/run/x/uefi-vars.fd"));
    EXPECT_THAT(text, HasSubstr("-drive file=/img.qcow2,format=qcow2,if=virtio"));
}

TEST(QemuCommandLine, DisksBecomeVirtioDrives) {
    auto spec = basic_spec();
    spec.disks = {{"/img/root.qcow2", "qcow2", false, true},
                  {"/img/data,1.raw", "raw", true, false}};
    const auto text = joined(qemu_command_line(spec, Accelerator::tcg, {"/q"}));
    EXPECT_THAT(text, HasSubstr("-drive file=/img/root.qcow2,format=qcow2,if=virtio,snapshot=on "
                                "-drive file=/img/data,,1.raw,format=raw,if=virtio,readonly=on "));
    spec.disks = {{"/img/x.vmdk", "vmdk", false, false}};
    EXPECT_EQ(refusal_of(spec),
              "QEMU backends attach raw and qcow2 disks, not 'vmdk' (/img/x.vmdk)");
}

sdk::VmSpec disk_boot_spec() {
    auto spec = basic_spec();
    spec.kernel.clear();
    spec.initrd.clear();
    spec.cmdline.clear();
    spec.image = "/img/debian.qcow2";
    spec.disks = {{"/img/data.raw", "raw", true, false},
                  {"/run/x/overlay.qcow2", "qcow2", false, false, true}};
    return spec;
}

TEST(QemuCommandLine, ADiskBootHasNoKernelAndAttachesTheBootDiskFirst) {
    const auto argv = qemu_command_line(disk_boot_spec(), Accelerator::tcg, {"/q"});
    const auto text = joined(argv);
    EXPECT_THAT(argv, Not(Contains("-kernel")));
    EXPECT_THAT(argv, Not(Contains("-append")));
    EXPECT_THAT(argv, Not(Contains("-bios"))); // SeaBIOS, QEMU's default
    EXPECT_THAT(text, HasSubstr("-drive file=/run/x/overlay.qcow2,format=qcow2,if=virtio "
                                "-drive file=/img/data.raw,format=raw,if=virtio,readonly=on "));
    // The image's own agent finds its port by this name.
    EXPECT_THAT(text, HasSubstr("name=org.qemu.guest_agent.0"));
}

TEST(QemuCommandLine, AUefiDiskBootAttachesTheCodeReadOnlyAndItsOwnVariables) {
    auto spec = disk_boot_spec();
    spec.uefi = true;
    spec.uefi_code = "/usr/share/OVMF/OVMF_CODE_4M.fd";
    spec.uefi_vars = "/run/x/OVMF_VARS.fd";
    const auto text = joined(qemu_command_line(spec, Accelerator::tcg, {"/q"}));
    EXPECT_THAT(text, HasSubstr("-drive if=pflash,format=raw,unit=0,readonly=on,"
                                "file=/usr/share/OVMF/OVMF_CODE_4M.fd "
                                "-drive if=pflash,format=raw,unit=1,file=/run/x/OVMF_VARS.fd "));
    // A firmware file the user gave wins.
    spec.bios = "/opt/OVMF.fd";
    const auto argv = qemu_command_line(spec, Accelerator::tcg, {"/q"});
    EXPECT_EQ(after(argv, "-bios"), "/opt/OVMF.fd");
    EXPECT_THAT(joined(argv), Not(HasSubstr("pflash")));
}

TEST(QemuCommandLine, AUefiDiskBootWithoutFirmwareIsRefused) {
    auto spec = disk_boot_spec();
    spec.uefi = true;
    EXPECT_THROW(qemu_command_line(spec, Accelerator::tcg, {"/q"}), sdk::Error);
}

TEST(QemuCommandLine, NeitherKernelNorBootDiskIsRefused) {
    auto spec = disk_boot_spec();
    spec.disks.back().boot = false;
    EXPECT_EQ(refusal_of(spec), "the VM spec gives neither a kernel nor a disk to boot");
}

TEST(QemuCommandLine, MemoryInBytesWinsOverTheOldText) {
    auto spec = basic_spec();
    spec.memory_bytes = 3ull << 30;
    EXPECT_EQ(after(qemu_command_line(spec, Accelerator::tcg, {"/q"}), "-m"), "3072M");
    spec.memory_bytes = (1ull << 30) + 512; // not whole MiB: exact bytes
    EXPECT_EQ(after(qemu_command_line(spec, Accelerator::tcg, {"/q"}), "-m"), "1073742336B");
    spec.attachments = {{"vhost-user-fs", "vmtest_root", "", "/run/x/fs0.sock", true}};
    EXPECT_THAT(joined(qemu_command_line(spec, Accelerator::tcg, {"/q"})),
                HasSubstr("memory-backend-memfd,id=mem,share=on,size=1073742336 "));
}

TEST(QemuCommandLine, ThePvhElfIsBootedWhenThereIsOneElseTheImage) {
    auto spec = basic_spec();
    spec.kernel_image = "/k/bzImage";
    spec.kernel_image_format = "bzImage";
    EXPECT_EQ(after(qemu_command_line(spec, Accelerator::tcg, {"/q"}), "-kernel"), "/k/bzImage");
    spec.kernel_elf = "/cache/vmlinux.elf";
    EXPECT_EQ(after(qemu_command_line(spec, Accelerator::tcg, {"/q"}), "-kernel"),
              "/cache/vmlinux.elf");
}

TEST(QemuCommandLine, AChannelTransportOtherThanVirtioSerialIsRefused) {
    auto spec = basic_spec();
    spec.channels[0].transport = "vsock";
    EXPECT_EQ(refusal_of(spec), "QEMU backends carry channels over virtio-serial, not 'vsock' "
                                "(channel org.qemu.guest_agent.0)");
}

} // namespace
} // namespace vmtest::qemu
