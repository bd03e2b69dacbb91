// Read-only views for read-only exports: the daemon (here a shell) cannot
// write through them, mounts inside the exported tree are read-only too, and
// the host never sees any of it.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <grp.h>
#include <sys/mount.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "private_mount_namespace.hpp"
#include "../../support/share_test_support.hpp"

namespace vmtest::virtiofs {
namespace {

std::string slurp(const std::filesystem::path& file) {
    std::ifstream in(file);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class PrivateMountNamespaceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!shares_test::is_root()) {
            GTEST_SKIP() << "read-only views need root";
        }
        std::filesystem::create_directories(m_dir.path() / "source/sub");
        std::filesystem::create_directories(m_dir.path() / "view");
        std::ofstream(m_dir.path() / "source/file") << "content";
        // A mount inside the exported tree, as the host's root has many.
        ASSERT_EQ(::mount("tmpfs", (m_dir.path() / "source/sub").c_str(), "tmpfs", 0, nullptr), 0);
        m_mounted = true;
    }
    void TearDown() override {
        if (m_mounted) {
            ::umount2((m_dir.path() / "source/sub").c_str(), MNT_DETACH);
        }
    }

    // Runs `script` with sh from the namespace; its exit status.
    int run(PrivateMountNamespace& ns, const std::string& script) {
        util::SpawnOptions options;
        options.argv = {"sh", "-c", script};
        auto child = ns.spawn(options);
        return child->wait_for(std::chrono::seconds(10)).value_or(util::ChildExit{-1, 0}).exit_code;
    }

    shares_test::TempDir m_dir;
    bool m_mounted = false;
};

TEST_F(PrivateMountNamespaceTest, ViewReadsTheTreeButRefusesWritesEvenInSubmounts) {
    const auto view = m_dir.path() / "view";
    PrivateMountNamespace ns;
    ns.add_read_only_view(m_dir.path() / "source", view);
    const auto out = m_dir.path() / "out.txt";
    EXPECT_EQ(run(ns, "cat '" + (view / "file").string() + "' > '" + out.string() + "'"), 0);
    EXPECT_EQ(slurp(out), "content");
    EXPECT_NE(run(ns, "touch '" + (view / "new").string() + "'"), 0);
    EXPECT_NE(run(ns, "touch '" + (view / "sub/new").string() + "'"), 0) << "submount writable";
    EXPECT_NE(run(ns, "echo changed > '" + (view / "file").string() + "'"), 0);
    // Even a remount from inside the namespace is the daemon's own doing,
    // not the guest's; the guest has no way to ask for one.
    EXPECT_EQ(slurp(m_dir.path() / "source/file"), "content");
    EXPECT_FALSE(std::filesystem::exists(m_dir.path() / "source/new"));
    EXPECT_FALSE(std::filesystem::exists(m_dir.path() / "source/sub/new"));
    // The source itself stays writable outside the view.
    EXPECT_EQ(run(ns, "touch '" + (m_dir.path() / "source/sub/ok").string() + "'"), 0);
}

TEST_F(PrivateMountNamespaceTest, TheHostNeverSeesTheView) {
    const auto view = m_dir.path() / "view";
    PrivateMountNamespace ns;
    ns.add_read_only_view(m_dir.path() / "source", view);
    EXPECT_TRUE(std::filesystem::is_empty(view)) << "the view leaked into vmtest's namespace";
    EXPECT_EQ(slurp("/proc/self/mountinfo").find(view.string()), std::string::npos);
}

// Runs in a child that, when the test runs as root, first becomes `nobody`
// (which drops every capability), so the check runs everywhere.
void create_namespace_without_privilege() {
    if (shares_test::is_root() && (setgroups(0, nullptr) != 0 || setresgid(65534, 65534, 65534) != 0 ||
                                   setresuid(65534, 65534, 65534) != 0)) {
        std::fprintf(stderr, "could not drop privileges\n");
        std::_Exit(3);
    }
    try {
        PrivateMountNamespace ns;
        std::fprintf(stderr, "created a mount namespace without privilege\n");
        std::_Exit(1);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        std::_Exit(0);
    }
}

TEST(PrivateMountNamespace, FailsWithAReasonWithoutPrivilege) {
    EXPECT_EXIT(create_namespace_without_privilege(), ::testing::ExitedWithCode(0),
                "needs CAP_SYS_ADMIN");
}

}  // namespace
}  // namespace vmtest::virtiofs
