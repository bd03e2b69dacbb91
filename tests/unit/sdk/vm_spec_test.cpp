// The VM spec's JSON (sdk/README.md): the 1.2 members round-trip, a 1.0/1.1
// document (none of them) still reads with their defaults, and the old
// members stay for backends built before 1.2.
#include <gtest/gtest.h>

#include "vmtest/sdk/types.hpp"

namespace vmtest::sdk {
namespace {

TEST(VmSpecJson, TheNewMembersRoundTrip) {
    VmSpec spec;
    spec.kernel = "/cache/vmlinux.elf";
    spec.kernel_image = "/boot/vmlinuz";
    spec.kernel_image_format = "bzImage";
    spec.kernel_elf = "/cache/vmlinux.elf";
    spec.memory = "2G";
    spec.memory_bytes = 2ull << 30;
    spec.channels = {{"org.qemu.guest_agent.0", "/run/ch0.sock", "virtio-serial"}};
    spec.disks = {{"/img/root.qcow2", "qcow2", true, true}};
    const nlohmann::json json = spec;
    EXPECT_EQ(json.at("memory_bytes"), 2147483648ull);
    EXPECT_EQ(json.at("channels")[0].at("transport"), "virtio-serial");
    EXPECT_EQ(json.at("disks")[0], (nlohmann::json{{"path", "/img/root.qcow2"},
                                                   {"format", "qcow2"},
                                                   {"read_only", true},
                                                   {"snapshot", true},
                                                   {"boot", false}}));
    const auto back = json.get<VmSpec>();
    EXPECT_EQ(back.kernel_image, spec.kernel_image);
    EXPECT_EQ(back.kernel_image_format, "bzImage");
    EXPECT_EQ(back.kernel_elf, spec.kernel_elf);
    EXPECT_EQ(back.memory_bytes, spec.memory_bytes);
    EXPECT_EQ(back.disks.size(), 1u);
    EXPECT_TRUE(back.disks[0].snapshot);
    EXPECT_EQ(nlohmann::json(back), json);
}

TEST(VmSpecJson, TheDiskBootMembersRoundTripAndDefaultToAKernelBoot) {
    VmSpec spec;
    spec.image = "/img/debian.qcow2";
    spec.uefi = true;
    spec.uefi_code = "/usr/share/OVMF/OVMF_CODE_4M.fd";
    spec.uefi_vars = "/run/x/OVMF_VARS.fd";
    spec.disks = {{"/run/x/overlay.qcow2", "qcow2", false, false, true}};
    const nlohmann::json json = spec;
    EXPECT_EQ(json.at("uefi_code"), "/usr/share/OVMF/OVMF_CODE_4M.fd");
    EXPECT_EQ(json.at("uefi_vars"), "/run/x/OVMF_VARS.fd");
    EXPECT_EQ(json.at("disks")[0].at("boot"), true);
    EXPECT_EQ(nlohmann::json(json.get<VmSpec>()), json);
    // From a 1.2 host: no boot flag, no UEFI files, no disk_firmwares.
    const auto old = nlohmann::json::parse(R"({"disks": [{"path": "/d", "format": "raw"}]})")
                         .get<VmSpec>();
    EXPECT_FALSE(old.disks.at(0).boot);
    EXPECT_TRUE(old.uefi_code.empty());
    EXPECT_TRUE(nlohmann::json::parse(R"({"attachments": []})")
                    .get<BackendDescription>()
                    .disk_firmwares.empty());
}

TEST(VmSpecJson, ADocumentFromAnOlderHostReadsWithDefaults) {
    // As a 1.1 host wrote it: no kernel_image, memory_bytes, transport, disks.
    const auto spec = nlohmann::json::parse(R"({"arch": "x86_64", "kernel": "/k/vmlinux",
        "memory": "4G", "channels": [{"name": "org.qemu.guest_agent.0", "socket": "/s"}],
        "qemu_command": "/opt/qemu", "kvm_cpu_args": "host", "extra_args": ["-s"]})")
                          .get<VmSpec>();
    EXPECT_EQ(spec.kernel, "/k/vmlinux");
    EXPECT_TRUE(spec.kernel_image.empty());
    EXPECT_TRUE(spec.kernel_elf.empty());
    EXPECT_EQ(spec.memory_bytes, 0u);
    EXPECT_EQ(spec.channels[0].transport, "virtio-serial");
    EXPECT_TRUE(spec.disks.empty());
    // The deprecated members still read, for backends built before 1.2.
    EXPECT_EQ(spec.qemu_command, "/opt/qemu");
    EXPECT_EQ(spec.kvm_cpu_args, "host");
    EXPECT_EQ(spec.extra_args, std::vector<std::string>{"-s"});
}

TEST(VmSpecJson, DescriptionsWithoutThe12MembersGetTheDocumentedDefaults) {
    const auto backend = nlohmann::json::parse(R"({"attachments": ["9p"], "boot_timeout_s": 60})")
                             .get<BackendDescription>();
    EXPECT_EQ(backend.priority, k_default_priority);
    EXPECT_TRUE(backend.arches.empty());
    EXPECT_TRUE(backend.kernel_formats.empty());
    EXPECT_TRUE(backend.options.empty());
    const auto share = nlohmann::json::parse(R"({"attachment": "9p", "priority": 7,
        "options": {"msize": {"type": "integer", "doc": "bytes"}}})")
                           .get<ShareDescription>();
    EXPECT_EQ(share.priority, 7);
    EXPECT_EQ(share.options.at("msize").type, "integer");
}

} // namespace
} // namespace vmtest::sdk
