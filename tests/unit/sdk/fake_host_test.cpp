// The SDK's fake host (vmtest/sdk/testing/fake_host.hpp) drives the example
// plugins as vmtest would, and reads descriptors and tables under vmtest's
// own rules: the NULL rule, required entries, the ABI version.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "vmtest/sdk/testing/fake_host.hpp"
#include "../../support/temp_dir.hpp"

namespace vmtest::sdk::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

nlohmann::json finished(const std::string& target, const std::string& result, double seconds) {
    return {{"type", "target_finished"}, {"target", target}, {"result", result},
            {"duration_s", seconds}};
}

std::string read_file(const std::filesystem::path& file) {
    std::ostringstream text;
    text << std::ifstream(file).rdbuf();
    return text.str();
}

TEST(FakeHost, DrivesTheSummaryReporterExampleToItsReport) {
    test_support::TempDir dir;
    FakeHost host;
    const auto report = dir.path() / "summary.txt";
    {
        FakeInstance reporter(LoadedPlugin::open(VMTEST_EXAMPLE_REPORTER_SUMMARY), host,
                              {{"path", report.string()}});
        EXPECT_EQ(reporter.plugin().label(), "reporter summary");
        EXPECT_TRUE(reporter.event({{"type", "run_started"}, {"targets", {"a", "b"}}}).ok());
        EXPECT_TRUE(reporter.event(finished("a", "pass", 1.25)).ok());
        EXPECT_TRUE(reporter.event(finished("b", "fail", 3)).ok());
        const CallResult done = reporter.finish();
        EXPECT_TRUE(done.ok()) << done.error;
        EXPECT_TRUE(done.provided);
    }
    EXPECT_EQ(read_file(report), "PASS a 1.2s\nFAIL b 3.0s\n1/2 passed\n");
    EXPECT_THAT(host.log_messages(), ElementsAre("summary written to " + report.string()));
    EXPECT_EQ(host.logs().at(0).level, VMTEST_LOG_DEBUG);
}

TEST(FakeHost, DrivesThe9pCachedShareExampleThroughDescribeProbePrepareAndRelease) {
    test_support::TempDir dir;
    FakeHost host;
    FakeInstance share(LoadedPlugin::open(VMTEST_EXAMPLE_SHARE_9P_CACHED), host,
                       {{"runtime_dir", dir.path().string()}, {"msize", 65536}});
    const CallResult described = share.describe();
    ASSERT_TRUE(described.ok()) << described.error;
    EXPECT_EQ(described.result["attachment"], "9p");

    const nlohmann::json exports = {
        {{"tag", "vmtest_root"}, {"host_path", "/"}, {"writable", false}},
        {{"tag", "vmtest_project"}, {"host_path", dir.path().string()}, {"writable", true}}};
    EXPECT_TRUE(share.probe(exports).ok());
    const CallResult missing =
        share.probe({{{"tag", "t"}, {"host_path", (dir.path() / "nope").string()}}});
    EXPECT_EQ(missing.status, VMTEST_UNSUPPORTED);
    EXPECT_THAT(missing.error, HasSubstr("not a directory"));

    const CallResult prepared = share.prepare(exports);
    ASSERT_TRUE(prepared.ok()) << prepared.error;
    const auto prepared_share = prepared.result.get<PreparedShare>();
    ASSERT_EQ(prepared_share.mounts.size(), 2u);
    EXPECT_THAT(prepared_share.mounts[0].options, HasSubstr("cache=loose,msize=65536"));
    EXPECT_THAT(prepared_share.mounts[1].options, HasSubstr("cache=mmap"));
    EXPECT_TRUE(prepared_share.attachments[0].readonly);

    EXPECT_TRUE(share.health().ok()) << "no helper to die";
    EXPECT_TRUE(share.release().ok());
    EXPECT_EQ(host.log_messages().size(), 2u) << "one debug line per export";
}

TEST(FakeHost, AnEntryBeyondTheTablesStructSizeIsNotProvided) {
    FakeHost host;
    FakeInstance old_share(LoadedPlugin::open(VMTEST_TEST_PLUGINS "/test-share-health-abi-1-0.so"),
                           host);
    EXPECT_FALSE(old_share.health().provided);
    FakeInstance share(LoadedPlugin::open(VMTEST_TEST_PLUGINS "/test-share-health.so"), host);
    const CallResult died = share.health();
    EXPECT_TRUE(died.provided);
    EXPECT_EQ(died.status, VMTEST_ERROR);
    EXPECT_FALSE(died.error.empty());
}

TEST(FakeHost, ANullOptionalProbeMeansUsable) {
    FakeHost host;
    FakeInstance backend(LoadedPlugin::open(VMTEST_TEST_PLUGINS "/test-abi-1-0-backend.so"), host);
    const CallResult probed = backend.probe(VmSpec{});
    EXPECT_TRUE(probed.ok());
    EXPECT_FALSE(probed.provided);
}

TEST(FakeHost, RefusesDescriptorsWithVmtestsOwnLine) {
    try {
        LoadedPlugin::open(VMTEST_TEST_PLUGINS "/test-null-required.so");
        FAIL() << "loaded a runner without run";
    } catch (const FakeHostError& e) {
        EXPECT_THAT(e.what(), HasSubstr("test-null-required.so: runner table lacks its required "
                                        "entry 'run' (NULL or beyond its struct_size)"));
    }
    EXPECT_THROW(LoadedPlugin::open(VMTEST_TEST_PLUGINS "/test-future-major.so"), FakeHostError);
    EXPECT_THROW(LoadedPlugin::open(VMTEST_TEST_PLUGINS "/test-no-entry.so"), FakeHostError);
    EXPECT_THROW(LoadedPlugin::open("/nonexistent/plugin.so"), FakeHostError);
}

TEST(FakeHost, ACallOfAnotherKindThrows) {
    FakeHost host;
    FakeInstance reporter(LoadedPlugin::open(VMTEST_EXAMPLE_REPORTER_SUMMARY), host);
    EXPECT_THROW(reporter.describe(), FakeHostError);
    EXPECT_THROW(reporter.start(VmSpec{}), FakeHostError);
}

TEST(FakeHost, RecordsOutputPerStreamAndStopsWhenTold) {
    FakeHost host;
    const Host plugin_side = host.host();
    plugin_side.output(VMTEST_STREAM_STDOUT, "hel");
    plugin_side.output(VMTEST_STREAM_STDERR, "oops");
    plugin_side.output(VMTEST_STREAM_STDOUT, "lo");
    EXPECT_EQ(host.output(VMTEST_STREAM_STDOUT), "hello");
    EXPECT_EQ(host.output(VMTEST_STREAM_STDERR), "oops");
    EXPECT_EQ(host.chunks().size(), 3u);
    EXPECT_FALSE(plugin_side.should_stop());
    host.set_should_stop(true);
    EXPECT_TRUE(plugin_side.should_stop());
    host.set_should_stop(false);
    EXPECT_FALSE(plugin_side.should_stop());
    host.stop_after(std::chrono::milliseconds(0));
    EXPECT_TRUE(plugin_side.should_stop());
}

}  // namespace
}  // namespace vmtest::sdk::testing
