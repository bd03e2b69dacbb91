// What QEMU's backends make of a vhost-user-fs attachment (the virtiofs
// share's): the device, its socket, and guest RAM as shared memory of the
// same size as -m, which vhost-user needs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "qemu_command_line.hpp"

namespace vmtest::qemu {
namespace {

using ::testing::HasSubstr;

std::string command_text(const std::string& memory) {
    sdk::VmSpec spec;
    spec.kernel = "/boot/vmlinuz";
    spec.memory = memory;
    spec.attachments = {{"vhost-user-fs", "vmtest_root", "", "/run/v,x/vfs0.sock", true},
                        {"vhost-user-fs", "vmtest_project", "", "/run/v,x/vfs1.sock", false}};
    std::string text;
    for (const auto& word : qemu_command_line(spec, Accelerator::tcg, {"/run/qmp.sock"})) {
        text += word + " ";
    }
    return text;
}

TEST(VhostUserFsCommandLine, EachExportIsADeviceOnItsSocketWithSharedGuestMemory) {
    const auto text = command_text("4G");
    EXPECT_THAT(text, HasSubstr("-m 4G "));
    EXPECT_THAT(text, HasSubstr("-object memory-backend-memfd,id=mem,share=on,size=4G -numa "
                                "node,memdev=mem "));
    EXPECT_THAT(text, HasSubstr("-chardev socket,id=share0,path=/run/v,,x/vfs0.sock -device "
                                "vhost-user-fs-pci,chardev=share0,tag=vmtest_root "));
    EXPECT_THAT(text, HasSubstr("-chardev socket,id=share1,path=/run/v,,x/vfs1.sock -device "
                                "vhost-user-fs-pci,chardev=share1,tag=vmtest_project "));
}

TEST(VhostUserFsCommandLine, AMemorySizeWithoutUnitIsMiBForTheMemoryBackendToo) {
    // -m 2048 is 2048 MiB; an object's size=2048 would be 2048 bytes.
    const auto text = command_text("2048");
    EXPECT_THAT(text, HasSubstr("-m 2048 "));
    EXPECT_THAT(text, HasSubstr("memory-backend-memfd,id=mem,share=on,size=2048M "));
}

}  // namespace
}  // namespace vmtest::qemu
