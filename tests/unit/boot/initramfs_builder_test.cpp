#include "boot/boot_error.hpp"
#include "boot/init_config_parser.hpp"
#include "boot/initramfs_builder.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

namespace vmtest::boot {
namespace {

class InitramfsBuilderTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_init = test::to_bytes("#!fake init binary\n");
        m_plain = m_dir.path() / "mods/kernel/a/virtio.ko";
        m_xz = m_dir.path() / "mods/kernel/b/9pnet-virtio.ko.xz";
        m_zst = m_dir.path() / "mods/kernel/c/overlay.ko.zst";
        m_gz = m_dir.path() / "mods/kernel/d/9p.ko.gz";
        test::write_text(m_plain, "\x7f" "ELF plain module");
        test::write_bytes(m_xz, test::compress_xz(test::to_bytes("\x7f" "ELF xz module")));
        test::write_bytes(m_zst, test::compress_zstd(test::to_bytes("\x7f" "ELF zstd module")));
        test::write_bytes(m_gz, test::compress_gzip(test::to_bytes("\x7f" "ELF gzip module")));
    }

    std::vector<std::filesystem::path> modules() const { return {m_plain, m_xz, m_zst, m_gz}; }

    InitConfig config_for(const std::vector<std::filesystem::path>& host_modules) const {
        InitConfig config;
        config.modules = initramfs_module_paths(host_modules);
        config.root = InitRootMount{"9p", "vmtest_root", "trans=virtio", true};
        config.agent_candidates = {"/usr/bin/qemu-ga"};
        config.hostname = "per run";
        return config;
    }

    test::TempDir m_dir;
    std::vector<std::byte> m_init;
    std::filesystem::path m_plain, m_xz, m_zst, m_gz;
};

TEST_F(InitramfsBuilderTest, ModulePathsKeepOrderAndDropCompression) {
    EXPECT_EQ(initramfs_module_paths(modules()),
              (std::vector<std::string>{"/lib/modules/virtio.ko", "/lib/modules/9pnet_virtio.ko",
                                        "/lib/modules/overlay.ko", "/lib/modules/9p.ko"}));
    EXPECT_THROW((void)initramfs_module_paths({m_plain, m_dir.path() / "other/virtio.ko.xz"}), BootError);
}

TEST_F(InitramfsBuilderTest, BuildsBasePlusConfigArchive) {
    InitramfsBuilder builder(m_init);
    auto out = m_dir.path() / "run/initramfs.cpio";
    std::filesystem::create_directories(out.parent_path());
    InitConfig config = config_for(modules());
    EXPECT_EQ(builder.build(config, modules(), m_dir.path() / "cache", out), out);

    auto entries = test::parse_cpio(test::to_bytes(test::read_text(out)));
    const auto* init = test::find_entry(entries, "init");
    ASSERT_NE(init, nullptr);
    EXPECT_EQ(init->mode, S_IFREG | 0755U);
    EXPECT_EQ(init->data, test::to_string(m_init));
    const auto* console = test::find_entry(entries, "dev/console");
    ASSERT_NE(console, nullptr);
    EXPECT_EQ(console->mode, S_IFCHR | 0600U);
    EXPECT_EQ(console->rdev_major, 5U);
    EXPECT_EQ(console->rdev_minor, 1U);
    for (const char* dir : {"dev", "proc", "sys", "newroot", "lower", "rw", "vmtest"}) {
        const auto* entry = test::find_entry(entries, dir);
        ASSERT_NE(entry, nullptr) << dir;
        EXPECT_EQ(entry->mode & S_IFMT, unsigned{S_IFDIR}) << dir;
    }
    EXPECT_EQ(test::find_entry(entries, "lib/modules/virtio.ko")->data, "\x7f" "ELF plain module");
    EXPECT_EQ(test::find_entry(entries, "lib/modules/9pnet_virtio.ko")->data, "\x7f" "ELF xz module");
    EXPECT_EQ(test::find_entry(entries, "lib/modules/overlay.ko")->data, "\x7f" "ELF zstd module");
    EXPECT_EQ(test::find_entry(entries, "lib/modules/9p.ko")->data, "\x7f" "ELF gzip module");
    const auto* conf = test::find_entry(entries, "vmtest/init.conf");
    ASSERT_NE(conf, nullptr);
    auto parsed = parse_init_config(conf->data);
    ASSERT_TRUE(parsed.ok) << parsed.error;
    EXPECT_EQ(parsed.config, config);
    // Two archives, so two trailers.
    EXPECT_EQ(std::count_if(entries.begin(), entries.end(), [](const auto& e) { return e.name == "TRAILER!!!"; }), 2);
}

TEST_F(InitramfsBuilderTest, BaseIsCachedByContent) {
    InitramfsBuilder builder(m_init);
    auto cache = m_dir.path() / "cache";
    auto base = builder.build_base(modules(), cache);
    EXPECT_EQ(base.parent_path(), cache / "initramfs");
    EXPECT_EQ(builder.build_base(modules(), cache), base);

    // Different module contents, order or init give a different base.
    auto fewer = builder.build_base({m_plain, m_xz}, cache);
    EXPECT_NE(fewer, base);
    auto reordered = builder.build_base({m_xz, m_plain}, cache);
    EXPECT_NE(reordered, fewer);
    test::write_text(m_plain, "\x7f" "ELF plain module, rebuilt");
    EXPECT_NE(builder.build_base(modules(), cache), base);
    auto other_init = test::to_bytes("another init");
    EXPECT_NE(InitramfsBuilder(other_init).build_base({m_xz, m_plain}, cache), reordered);

    // Only finished archives in the cache, no temporaries.
    for (const auto& entry : std::filesystem::directory_iterator(cache / "initramfs")) {
        EXPECT_EQ(entry.path().extension(), ".cpio") << entry.path();
    }
}

TEST_F(InitramfsBuilderTest, ConfigMustReferenceArchiveModules) {
    InitramfsBuilder builder(m_init);
    InitConfig config = config_for(modules());
    config.modules.push_back("/lib/modules/missing.ko");
    EXPECT_THROW(builder.build(config, modules(), m_dir.path() / "cache", m_dir.path() / "out.cpio"), BootError);
}

TEST_F(InitramfsBuilderTest, UnreadableModuleNamesThePath) {
    InitramfsBuilder builder(m_init);
    auto missing = m_dir.path() / "mods/nope.ko";
    try {
        builder.build_base({missing}, m_dir.path() / "cache");
        FAIL() << "expected BootError";
    } catch (const BootError& error) {
        EXPECT_NE(std::string(error.what()).find(missing.string()), std::string::npos) << error.what();
    }
}

}  // namespace
}  // namespace vmtest::boot
