// Bytes that are not UTF-8 crossing the real plugin boundary (dlopen'ed
// plugins, JSON text in between): they arrive exactly in a plugin built for
// ABI 1.1 and come back exactly, and a plugin built for 1.0, which cannot
// know the "_base64" members, is refused them with one line instead of
// silently getting U+FFFD.
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugin_host/plugin_registry.hpp"
#include "plugin_host/typed_plugins.hpp"

namespace vmtest::plugin_host {
namespace {

const std::filesystem::path k_test_plugins = VMTEST_TEST_PLUGIN_DIR;
const std::filesystem::path k_plugins = VMTEST_PLUGIN_DIR;

std::unique_ptr<PluginInstance> instance(const std::filesystem::path& file,
                                         const nlohmann::json& config = nlohmann::json::object()) {
    return std::make_unique<PluginInstance>(PluginLibrary::load(file), config, HostCallbacks{});
}

TEST(ByteStringsAcrossTheAbi, AShareGetsAndReturnsPathsExactly) {
    SharePlugin share(instance(k_plugins / "share-9p.so"));
    const std::string path = "/srv/d\xff\xfe/\xc0\xaf";
    const auto prepared = share.prepare({{"vmtest_project", path, true}});
    ASSERT_EQ(prepared.attachments.size(), 1u);
    // In through the host's encoding and the SDK's decoding, back out
    // through the SDK's encoding and the host's decoding.
    EXPECT_EQ(prepared.attachments[0].path, path);
}

TEST(ByteStringsAcrossTheAbi, APluginsConfigArrivesExactly) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("vmtest-bytes-" + std::to_string(getpid()) + "-\xff");
    std::filesystem::create_directories(dir);
    {
        ReporterPlugin reporter(
            instance(k_test_plugins / "test-recording.so", {{"path", (dir / "r\xfe").string()}}));
        reporter.finish();
    }
    EXPECT_TRUE(std::filesystem::exists(dir / "r\xfe"));
    std::filesystem::remove_all(dir);
}

TEST(ByteStringsAcrossTheAbi, APluginBuiltForAbi10IsRefusedBytesWithOneLine) {
    RunnerPlugin runner(instance(k_test_plugins / "test-abi-1-0-runner.so"));
    sdk::Command command;
    command.argv = {"/bin/bash", "-c", "true", "bash"};
    command.env = {"A=1", "B=\xff"};
    command.cwd = "/";
    try {
        runner.check_command(command);
        FAIL() << "a 1.0 runner was handed bytes it cannot carry";
    } catch (const PluginError& e) {
        EXPECT_STREQ(e.what(),
                     "runner abi-1-0 is built for plugin ABI 1.0, which cannot carry env[1] (bytes "
                     "that are not UTF-8); rebuild it against this vmtest's SDK");
    }
    EXPECT_THROW(runner.run(command), PluginError);
    command.env = {"A=1", "B=\xc3\xa9"};
    EXPECT_NO_THROW(runner.check_command(command));
    EXPECT_EQ(runner.run(command).exit_code, 0) << "UTF-8 still works as in 1.0";

    EXPECT_THROW(instance(k_test_plugins / "test-abi-1-0-runner.so", {{"path", "/x\xff"}}),
                 PluginError);
}

}  // namespace
}  // namespace vmtest::plugin_host
