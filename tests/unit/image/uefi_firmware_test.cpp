#include "image/uefi_firmware.hpp"

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../../support/temp_dir.hpp"

namespace vmtest::image {
namespace {

using test_support::TempDir;
using ::testing::HasSubstr;

void touch(const std::filesystem::path& path, const std::string& content = "x") {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << content;
}

TEST(UefiFirmware, DebianAndUbuntu4MBuildsComeFirst) {
    TempDir root;
    touch(root.path() / "usr/share/OVMF/OVMF_CODE.fd");
    touch(root.path() / "usr/share/OVMF/OVMF_VARS.fd");
    touch(root.path() / "usr/share/OVMF/OVMF_CODE_4M.fd");
    touch(root.path() / "usr/share/OVMF/OVMF_VARS_4M.fd");
    const auto found = find_uefi_firmware("x86_64", root.path());
    ASSERT_TRUE(found);
    EXPECT_EQ(found->code, root.path() / "usr/share/OVMF/OVMF_CODE_4M.fd");
    EXPECT_EQ(found->vars, root.path() / "usr/share/OVMF/OVMF_VARS_4M.fd");
}

TEST(UefiFirmware, FedorasPathIsFound) {
    TempDir root;
    touch(root.path() / "usr/share/edk2/ovmf/OVMF_CODE.fd");
    touch(root.path() / "usr/share/edk2/ovmf/OVMF_VARS.fd");
    const auto found = find_uefi_firmware("x86_64", root.path());
    ASSERT_TRUE(found);
    EXPECT_EQ(found->code, root.path() / "usr/share/edk2/ovmf/OVMF_CODE.fd");
}

TEST(UefiFirmware, CodeWithoutVarsIsNoFirmware) {
    TempDir root;
    touch(root.path() / "usr/share/ovmf/OVMF_CODE.fd");
    EXPECT_FALSE(find_uefi_firmware("x86_64", root.path()));
}

TEST(UefiFirmware, TheMessageNamesWhereItLookedAndWhatToInstall) {
    TempDir root;
    const auto message = no_uefi_firmware_message("x86_64", root.path());
    EXPECT_THAT(message, HasSubstr((root.path() / "usr/share/OVMF").string()));
    EXPECT_THAT(message, HasSubstr((root.path() / "usr/share/edk2/ovmf").string()));
    EXPECT_THAT(message, HasSubstr((root.path() / "usr/share/qemu").string()));
    EXPECT_THAT(message, HasSubstr("install ovmf (Debian, Ubuntu) or edk2-ovmf"));
    EXPECT_THAT(message, HasSubstr("vm.bios"));
}

TEST(UefiFirmware, Aarch64LooksForAavmf) {
    TempDir root;
    touch(root.path() / "usr/share/OVMF/OVMF_CODE_4M.fd");
    touch(root.path() / "usr/share/OVMF/OVMF_VARS_4M.fd");
    EXPECT_FALSE(find_uefi_firmware("aarch64", root.path())) << "x86's firmware is no arm64's";
    const auto message = no_uefi_firmware_message("aarch64", root.path());
    EXPECT_THAT(message, HasSubstr((root.path() / "usr/share/AAVMF").string()));
    EXPECT_THAT(message, HasSubstr("install qemu-efi-aarch64 (Debian, Ubuntu) or edk2-aarch64"));

    touch(root.path() / "usr/share/AAVMF/AAVMF_CODE.fd");
    touch(root.path() / "usr/share/AAVMF/AAVMF_VARS.fd");
    const auto found = find_uefi_firmware("aarch64", root.path());
    ASSERT_TRUE(found);
    EXPECT_EQ(found->code, root.path() / "usr/share/AAVMF/AAVMF_CODE.fd");
    EXPECT_EQ(found->vars, root.path() / "usr/share/AAVMF/AAVMF_VARS.fd");
}

TEST(UefiFirmware, EachRunGetsAWritableCopyOfTheVariableStore) {
    TempDir root;
    TempDir run;
    const auto vars = root.path() / "usr/share/OVMF/OVMF_VARS_4M.fd";
    touch(vars, "variables");
    std::filesystem::permissions(vars, std::filesystem::perms::owner_read);
    const auto copy = copy_vars_store({root.path() / "code", vars}, run.path());
    EXPECT_EQ(copy.parent_path(), run.path());
    std::ifstream in(copy);
    std::string content((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(content, "variables");
    const auto perms = std::filesystem::status(copy).permissions();
    EXPECT_NE(perms & std::filesystem::perms::owner_write, std::filesystem::perms::none);
}

TEST(UefiFirmware, AMissingVariableStoreCannotBeCopied) {
    TempDir run;
    try {
        copy_vars_store({"/nonexistent/code", "/nonexistent/vars.fd"}, run.path());
        FAIL() << "copied a missing file";
    } catch (const std::runtime_error& e) {
        EXPECT_THAT(e.what(),
                    HasSubstr("cannot copy the UEFI variable store /nonexistent/vars.fd"));
    }
}

} // namespace
} // namespace vmtest::image
