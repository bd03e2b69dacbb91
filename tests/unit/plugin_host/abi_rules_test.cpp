// The ABI's rules on tables (plugin.h): a required entry left NULL refuses
// the plugin at load; an optional one left NULL, or beyond an older table's
// end, means "not provided" alike for every kind; and plugins built against
// ABI 1.0 keep loading and working.
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugin_host/plugin_registry.hpp"
#include "plugin_host/typed_plugins.hpp"

namespace vmtest::plugin_host {
namespace {

using ::testing::HasSubstr;

const std::filesystem::path k_dir = VMTEST_TEST_PLUGIN_DIR;

std::unique_ptr<PluginInstance>
instance_of(const std::string& file, const nlohmann::json& config = nlohmann::json::object()) {
    return std::make_unique<PluginInstance>(PluginLibrary::load(k_dir / file), config,
                                            HostCallbacks{});
}

TEST(AbiRules, APluginWithANullRequiredEntryIsRefusedAtLoadNamingTheEntry) {
    try {
        PluginLibrary::load(k_dir / "test-null-required.so");
        FAIL() << "loaded a runner without run";
    } catch (const PluginLoadError& e) {
        EXPECT_THAT(e.what(), HasSubstr("test-null-required.so: runner table lacks its required "
                                        "entry 'run' (NULL or beyond its struct_size)"));
    }
}

TEST(AbiRules, ABackendBuiltAgainstAbi10LoadsAndItsNullProbeMeansUsable) {
    BackendPlugin backend(instance_of("test-abi-1-0-backend.so"));
    EXPECT_EQ(backend.instance().library().descriptor().abi_minor, 0u);
    const auto description = backend.describe();
    EXPECT_EQ(description.priority, sdk::k_default_priority); // says none: the default
    EXPECT_TRUE(description.options.empty());
    EXPECT_EQ(backend.probe(sdk::VmSpec{}), std::nullopt);
}

TEST(AbiRules, ARunnerBuiltAgainstAbi10KeepsLoadingAndRunning) {
    RunnerPlugin runner(instance_of("test-abi-1-0-runner.so"));
    EXPECT_EQ(runner.instance().library().descriptor().abi_minor, 0u);
    EXPECT_EQ(runner.describe().channels, std::vector<std::string>{"org.qemu.guest_agent.0"});
    EXPECT_EQ(runner.run(sdk::Command{{"true"}, {}, "/"}).exit_code, 0);
}

} // namespace
} // namespace vmtest::plugin_host
