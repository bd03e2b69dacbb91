#include <fstream>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "../../support/elf_stub.hpp"
#include "../../support/temp_dir.hpp"
#include "util/elf_machine.hpp"

namespace vmtest::util {
namespace {

using test_support::elf_header;

TEST(ElfMachine, NamesArchesAsUnameDoes) {
    EXPECT_EQ(elf_machine_arch(elf_header(62)), "x86_64");
    EXPECT_EQ(elf_machine_arch(elf_header(183)), "aarch64");
    EXPECT_EQ(elf_machine_arch(elf_header(243)), "riscv64");
    EXPECT_EQ(elf_machine_arch(elf_header(22, true)), "s390x");
    EXPECT_EQ(elf_machine_arch(elf_header(9999)), "ELF machine 9999");
}

TEST(ElfMachine, AnythingElseIsNoArch) {
    auto header = elf_header(62);
    EXPECT_FALSE(elf_machine_arch(std::span(header).first(19)));
    header[0] = std::byte{'#'};
    EXPECT_FALSE(elf_machine_arch(header));
}

TEST(ElfMachine, ReadsAFile) {
    test_support::TempDir dir;
    test_support::write_elf_stub(dir.path() / "prog", test_support::k_elf_aarch64);
    std::ofstream(dir.path() / "short") << "\x7f"
                                           "ELF";
    EXPECT_EQ(elf_machine_arch(dir.path() / "prog"), "aarch64");
    EXPECT_FALSE(elf_machine_arch(dir.path() / "short"));
    EXPECT_FALSE(elf_machine_arch(dir.path() / "absent"));
    EXPECT_FALSE(elf_machine_arch(dir.path()));
    // A FIFO is not opened: reading it would wait for a writer forever.
    ASSERT_EQ(::mkfifo((dir.path() / "fifo").c_str(), 0600), 0);
    EXPECT_FALSE(elf_machine_arch(dir.path() / "fifo"));
}

} // namespace
} // namespace vmtest::util
