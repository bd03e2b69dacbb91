// Options reach vmtest's own plugins through the host: each test creates
// the real plugin (as vmtest does, through PluginInstance) with an option
// and sees its effect.
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugin_host/plugin_registry.hpp"
#include "plugin_host/typed_plugins.hpp"
#include "../../support/temp_dir.hpp"

namespace vmtest::plugin_host {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

const PluginRegistry& registry() {
    static const PluginRegistry instance({VMTEST_PLUGIN_DIR});
    return instance;
}

std::unique_ptr<PluginInstance> instance_of(uint32_t kind, const std::string& name,
                                            const nlohmann::json& config) {
    return std::make_unique<PluginInstance>(registry().find(kind, name), config, HostCallbacks{});
}

// A test with the tests' one temporary directory in m_dir.
class TempDir : public ::testing::Test {
  protected:
    test_support::TempDir m_temp;
    const std::filesystem::path m_dir = m_temp.path();
};

TEST(PluginOptions, NinePMsizeReachesTheGuestMountOptions) {
    SharePlugin share(instance_of(VMTEST_KIND_SHARE, "9p", {{"msize", 65536}}));
    EXPECT_TRUE(share.describe().options.count("msize"));
    const auto prepared = share.prepare({{"vmtest_root", "/", false}});
    ASSERT_EQ(prepared.mounts.size(), 1u);
    EXPECT_THAT(prepared.mounts[0].options, HasSubstr("msize=65536"));
}

TEST(PluginOptions, ABadValueFailsCreateWithThePluginsReason) {
    try {
        instance_of(VMTEST_KIND_SHARE, "9p", {{"msize", 12}});
        FAIL() << "created";
    } catch (const PluginError& e) {
        EXPECT_STREQ(e.what(), "share 9p: option msize must be at least 4096, got 12");
    }
}

TEST(PluginOptions, QgaTimeoutsAreDeclaredAndReachTheRunner) {
    RunnerPlugin runner(instance_of(VMTEST_KIND_RUNNER, "qga", nlohmann::json::object()));
    const auto options = runner.describe().options;
    for (const char* name : {"connect_attempt_ms", "connect_timeout_ms", "request_timeout_ms"}) {
        ASSERT_TRUE(options.count(name)) << name;
        EXPECT_EQ(options.at(name).type, "integer");
    }
    // A value the runner takes apart proves it arrived.
    try {
        instance_of(VMTEST_KIND_RUNNER, "qga", {{"connect_timeout_ms", -5}});
        FAIL() << "created";
    } catch (const PluginError& e) {
        EXPECT_THAT(e.what(), HasSubstr("'connect_timeout_ms' must be a positive number"));
    }
}

TEST(PluginOptions, QemuBackendsDeclareTheirOptionsAndRankKvmAboveTcg) {
    BackendPlugin kvm(instance_of(VMTEST_KIND_BACKEND, "qemu-kvm", nlohmann::json::object()));
    BackendPlugin tcg(instance_of(VMTEST_KIND_BACKEND, "qemu-tcg", nlohmann::json::object()));
    const auto k = kvm.describe();
    const auto t = tcg.describe();
    EXPECT_GT(k.priority, t.priority);
    EXPECT_GT(t.priority, sdk::k_default_priority);
    for (const char* name : {"probe_timeout_ms", "qemu_command", "kvm_cpu_args", "extra_args"}) {
        EXPECT_TRUE(k.options.count(name)) << name;
        EXPECT_TRUE(t.options.count(name)) << name;
    }
    EXPECT_EQ(k.options.at("extra_args").type, "string_array");
    EXPECT_THAT(k.kernel_formats, Contains("elf"));
    EXPECT_THAT(k.kernel_formats, Contains("bzImage"));
}

TEST_F(TempDir, QemuCommandKvmCpuArgsAndExtraArgsReachQemusCommandLine) {
    // An emulator that records its arguments and exits: start() runs it.
    const auto fake = m_dir / "fake-qemu.sh";
    const auto record = m_dir / "argv";
    std::ofstream(fake) << "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > " << record.string()
                        << "\n";
    chmod(fake.c_str(), 0755);
    BackendPlugin backend(instance_of(VMTEST_KIND_BACKEND, "qemu-kvm",
                                      {{"qemu_command", fake.string()},
                                       {"kvm_cpu_args", "host,pmu=off"},
                                       {"extra_args", {"-device", "virtio-rng-pci"}}}));
    sdk::VmSpec spec;
    spec.kernel_image = "/k/bzImage";
    spec.kernel_image_format = "bzImage";
    spec.memory_bytes = 512ull << 20;
    spec.console_log = (m_dir / "console.log").string();
    spec.runtime_dir = m_dir.string();
    backend.start(spec);
    ASSERT_TRUE(backend.wait(std::chrono::seconds(10)).has_value());
    std::ifstream in(record);
    std::vector<std::string> argv;
    for (std::string line; std::getline(in, line);) {
        argv.push_back(line);
    }
    const auto after = [&](const std::string& flag) {
        const auto it = std::find(argv.begin(), argv.end(), flag);
        return it != argv.end() && it + 1 != argv.end() ? *(it + 1) : "";
    };
    EXPECT_EQ(after("-cpu"), "host,pmu=off");
    EXPECT_EQ(after("-kernel"), "/k/bzImage");
    EXPECT_EQ(after("-m"), "512M");
    ASSERT_GE(argv.size(), 2u);
    EXPECT_EQ(argv[argv.size() - 2], "-device");
    EXPECT_EQ(argv.back(), "virtio-rng-pci");
    backend.stop(std::chrono::milliseconds(100));
}

TEST(PluginOptions, TheProbeTimeoutReachesTheQemuBackends) {
    for (const char* name : {"qemu-kvm", "qemu-tcg"}) {
        try {
            instance_of(VMTEST_KIND_BACKEND, name, {{"probe_timeout_ms", 0}});
            FAIL() << name << " took probe_timeout_ms = 0";
        } catch (const PluginError& e) {
            EXPECT_THAT(e.what(), HasSubstr("option probe_timeout_ms must be positive, got 0"));
        }
    }
}

TEST(PluginOptions, TheProbeUsesTheQemuCommandOption) {
    BackendPlugin backend(
        instance_of(VMTEST_KIND_BACKEND, "qemu-tcg", {{"qemu_command", "/nonexistent/qemu"}}));
    EXPECT_THAT(backend.probe(sdk::VmSpec{}).value_or("usable"),
                HasSubstr("/nonexistent/qemu not found"));
}

} // namespace
} // namespace vmtest::plugin_host
