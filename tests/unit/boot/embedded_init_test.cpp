// The guest inits embedded in vmtest, one per arch it boots: each is a static
// executable for its own machine, a build without one says how to get it,
// and an initramfs for a guest of an arch carries that arch's init.

#include "boot/boot_error.hpp"
#include "boot/elf_notes.hpp"
#include "boot/embedded_init.hpp"
#include "boot/initramfs_builder.hpp"
#include "config/target.hpp"
#include "test_support.hpp"
#include "util/elf_machine.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <elf.h>
#include <set>
#include <string>

namespace vmtest::boot {
namespace {

Elf64_Ehdr elf_header_of(std::span<const std::byte> file) {
    Elf64_Ehdr header{};
    std::memcpy(&header, file.data(), std::min(file.size(), sizeof(header)));
    return header;
}

// Skips (with the reason) where this build has no init for `arch`: a build
// without its cross compiler. CI installs it, so there it never skips.
#define SKIP_UNLESS_BUILT(arch)                                                                    \
    if (!has_embedded_init(arch)) {                                                                \
        GTEST_SKIP() << missing_init_message(arch);                                                \
    }

class EmbeddedInitOfArch : public ::testing::TestWithParam<std::string_view> {};

TEST_P(EmbeddedInitOfArch, IsAStaticExecutableForItsMachine) {
    const std::string_view arch = GetParam();
    SKIP_UNLESS_BUILT(arch);
    const auto init = embedded_init(arch);
    ASSERT_GT(init.size(), sizeof(Elf64_Ehdr));
    ASSERT_TRUE(is_elf(init));
    const auto header = elf_header_of(init);
    EXPECT_EQ(header.e_ident[EI_CLASS], ELFCLASS64);
    EXPECT_EQ(header.e_ident[EI_DATA], ELFDATA2LSB);
    EXPECT_EQ(header.e_type, ET_EXEC);
    EXPECT_EQ(util::elf_machine_arch(init), arch);
    // Static: no PT_INTERP (no dynamic loader needed in the initramfs).
    ASSERT_LE(header.e_phoff + header.e_phnum * sizeof(Elf64_Phdr), init.size());
    for (unsigned i = 0; i < header.e_phnum; ++i) {
        Elf64_Phdr phdr;
        std::memcpy(&phdr, init.data() + header.e_phoff + i * sizeof(phdr), sizeof(phdr));
        EXPECT_NE(phdr.p_type, static_cast<unsigned>(PT_INTERP));
    }
    EXPECT_LT(init.size(), 2U << 20) << "the init should stay small";
}

TEST_P(EmbeddedInitOfArch, MissingMessageIsOneLineSayingWhatToInstall) {
    const std::string_view arch = GetParam();
    const std::string message = missing_init_message(arch);
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_EQ(message.find("this vmtest was built without a guest init for " + std::string(arch) +
                           ": install "),
              0U)
        << message;
    EXPECT_NE(message.find(", then rebuild vmtest"), std::string::npos) << message;
    if (!has_embedded_init(arch)) {
        try {
            (void)embedded_init(arch);
            FAIL() << "expected BootError";
        } catch (const BootError& error) {
            EXPECT_EQ(error.what(), message);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(SupportedArches, EmbeddedInitOfArch,
                         ::testing::ValuesIn(config::k_supported_arches),
                         [](const auto& info) { return std::string(info.param); });

TEST(EmbeddedInit, TheHostsArchAlwaysHasOne) {
    EXPECT_TRUE(has_embedded_init(config::k_default_arch));
}

TEST(EmbeddedInit, MissingAarch64InitNamesDebiansCrossPackages) {
    EXPECT_EQ(missing_init_message("aarch64"),
              "this vmtest was built without a guest init for aarch64: install "
              "g++-aarch64-linux-gnu and libc6-dev-arm64-cross, then rebuild vmtest");
}

TEST(EmbeddedInit, AnUnknownArchHasNone) {
    EXPECT_FALSE(has_embedded_init("mips"));
    EXPECT_THROW((void)embedded_init("mips"), BootError);
    EXPECT_EQ(missing_init_message("mips"), "vmtest has no guest init for arch 'mips'");
}

TEST(EmbeddedInit, EachArchsInitramfsCarriesItsOwnInit) {
    // Every arch's, where built; an aarch64 guest's (the one a cross compiler
    // makes on an x86 host) is the point.
    SKIP_UNLESS_BUILT("aarch64");
    test::TempDir dir;
    const auto module = dir.path() / "mods/kernel/virtio.ko";
    test::write_text(module, "\x7f" "ELF module");
    InitConfig config;
    config.modules = initramfs_module_paths({module});
    config.root = InitRootMount{"9p", "vmtest_root", "trans=virtio", true};
    const auto cache = dir.path() / "cache";

    std::set<std::filesystem::path> bases;
    std::size_t built = 0;
    for (std::string_view arch : config::k_supported_arches) {
        if (!has_embedded_init(arch)) {
            continue;
        }
        ++built;
        const auto init = embedded_init(arch);
        const auto out = dir.path() / (std::string(arch) + ".cpio");
        InitramfsBuilder(init).build(config, {module}, cache, out);
        const auto entries = test::parse_cpio(test::to_bytes(test::read_text(out)));
        const auto* entry = test::find_entry(entries, "init");
        ASSERT_NE(entry, nullptr) << arch;
        EXPECT_EQ(entry->data, test::to_string(init)) << arch;
        EXPECT_EQ(util::elf_machine_arch(test::to_bytes(entry->data)), arch)
            << arch;
        // The cached base is keyed by the init's bytes: arches never share one.
        EXPECT_TRUE(bases.insert(InitramfsBuilder(init).build_base({module}, cache)).second)
            << arch;
    }
    EXPECT_GE(built, 2U);
    EXPECT_EQ(bases.size(), built);
}

}  // namespace
}  // namespace vmtest::boot
