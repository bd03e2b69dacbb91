// share "auto" and named shares, resolved against the real built plugins.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugin_host/plugin_registry.hpp"
#include "run/share_selector.hpp"
#include "../../support/share_test_support.hpp"

namespace vmtest::run {
namespace {

using ::testing::HasSubstr;

const std::vector<sdk::Export> k_exports{{"vmtest_root", "/", false}};

class ShareSelectorTest : public ::testing::Test {
  protected:
    plugin_host::PluginRegistry m_registry{{VMTEST_PLUGIN_DIR}};
};

TEST_F(ShareSelectorTest, AutoPicksVirtiofsWhenItsDaemonIsUsable) {
    if (!shares_test::is_root() || shares_test::installed_virtiofsd().empty()) {
        GTEST_SKIP() << "needs root and an installed virtiofsd";
    }
    ShareSelector selector(m_registry);
    EXPECT_EQ(selector.choose("auto", k_exports), "virtiofs");
}

TEST_F(ShareSelectorTest, AutoFallsBackTo9pWhenVirtiofsCannotRunAndKeepsItsChoice) {
    ShareSelector selector(m_registry);
    {
        shares_test::ScopedEnv env("VMTEST_VIRTIOFSD", "/nonexistent/virtiofsd");
        EXPECT_EQ(selector.choose("auto", k_exports), "9p");
    }
    // Decided once per run: every target of a run gets the same share.
    EXPECT_EQ(selector.choose("auto", k_exports), "9p");
}

TEST_F(ShareSelectorTest, ANamedShareThatCannotRunFailsWithTheSharesReason) {
    ShareSelector selector(m_registry);
    shares_test::ScopedEnv env("VMTEST_VIRTIOFSD", "/nonexistent/virtiofsd");
    try {
        selector.choose("virtiofs", k_exports);
        FAIL() << "virtiofs chosen without a daemon";
    } catch (const std::runtime_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("share virtiofs cannot run here: "));
        EXPECT_THAT(e.what(), HasSubstr("/nonexistent/virtiofsd"));
    }
    EXPECT_EQ(selector.choose("9p", k_exports), "9p");
}

}  // namespace
}  // namespace vmtest::run
