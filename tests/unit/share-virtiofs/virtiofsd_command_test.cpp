#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "virtiofsd_command.hpp"

namespace vmtest::virtiofs {
namespace {

using ::testing::ElementsAre;

TEST(VirtiofsdCommand, QemuDaemonServesTheSourceOnTheInheritedSocketCoherently) {
    const Virtiofsd daemon{"/usr/lib/qemu/virtiofsd", Dialect::qemu_c, false};
    EXPECT_THAT(virtiofsd_argv(daemon, 7, "/srv/project dir"),
                ElementsAre("/usr/lib/qemu/virtiofsd", "--fd=7", "-o", "source=/srv/project dir",
                            "-o", "cache=always", "-o", "timeout=0", "-o", "sandbox=namespace"));
}

TEST(VirtiofsdCommand, CommasAndBackslashesInTheSourceAreEscapedForTheOptionParser) {
    EXPECT_EQ(escaped_option_value("/a,b\\c"), "/a\\,b\\\\c");
    const Virtiofsd daemon{"virtiofsd", Dialect::qemu_c, false};
    EXPECT_EQ(virtiofsd_argv(daemon, 3, "/x,cache=none")[3], "source=/x\\,cache=none");
}

TEST(VirtiofsdCommand, RustDaemonGetsItsOwnOptionsAndNeverCachesStaleData) {
    const Virtiofsd daemon{"/usr/libexec/virtiofsd", Dialect::rust, false};
    EXPECT_THAT(virtiofsd_argv(daemon, 5, "/a,b"),
                ElementsAre("/usr/libexec/virtiofsd", "--fd=5", "--shared-dir=/a,b",
                            "--cache=never", "--sandbox=namespace"));
    const Virtiofsd with_mmap{"/usr/libexec/virtiofsd", Dialect::rust, true};
    EXPECT_EQ(virtiofsd_argv(with_mmap, 5, "/a").back(), "--allow-mmap");
}

}  // namespace
}  // namespace vmtest::virtiofs
