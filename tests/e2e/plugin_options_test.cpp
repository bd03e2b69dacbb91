// End-to-end: plugin options reach the plugin (9p's msize shows in the
// guest's /proc/mounts), and a bad one stops vmtest before anything boots
// with one line naming the file's line or the flag, and exit status 2.
#include <algorithm>

#include <gmock/gmock.h>

#include "e2e_fixture.hpp"

namespace vmtest::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class PluginOptionsE2E : public E2E {
  protected:
    std::string target(const std::string& rest) const {
        return "[[target]]\nname = \"t\"\nkernel = \"" + m_kernel.string() +
               "\"\ncommand = \"grep vmtest_project /proc/mounts\"\n" + rest;
    }
    void expect_refused(const RunResult& result, const std::string& line_start) const {
        EXPECT_EQ(result.status, 2) << describe(result);
        EXPECT_THAT(result.err, StartsWith(line_start)) << describe(result);
        EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
        EXPECT_LT(result.seconds, 10) << describe(result);
    }
};

TEST_F(PluginOptionsE2E, NinePMsizeFromTheFileAndFromTheFlagReachesTheGuestMount) {
    write_file("vmtest.toml", target("share = \"9p\"\n[target.share_options]\nmsize = 65536\n"));
    const auto from_file = vmtest({});
    EXPECT_EQ(from_file.status, 0) << describe(from_file);
    EXPECT_THAT(from_file.out, HasSubstr("msize=65536"));

    // The flag overrides the file's value. (Below the 9p client's default of 128 KiB,
    // which /proc/mounts leaves out.)
    const auto from_flag = vmtest({"--plugin-option", "share.msize=32768"});
    EXPECT_EQ(from_flag.status, 0) << describe(from_flag);
    EXPECT_THAT(from_flag.out, HasSubstr("msize=32768"));
}

TEST_F(PluginOptionsE2E, AnUnknownOrIllTypedOptionIsRefusedBeforeAnythingBoots) {
    write_file("vmtest.toml", target("[target.share_options]\nmsise = 65536\n"));
    expect_refused(vmtest({}), "vmtest.toml:6:1: target 't': field 'share_options.msise': share "
                               "9p has no option 'msise' (it takes msize)\n");
    write_file("vmtest.toml", target(""));
    expect_refused(vmtest({"--plugin-option", "backend.probe_timeout_ms=\"5s\""}),
                   "vmtest: --plugin-option backend.probe_timeout_ms: backend qemu-kvm's option "
                   "'probe_timeout_ms' must be an integer, got \"5s\"\n");
}

} // namespace
} // namespace vmtest::e2e
