// The directories vmtest keeps for itself: which variable places them, what
// is ignored, and what a user is told when one cannot be created.
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>

#include <gtest/gtest.h>

#include "util/paths.hpp"
#include "util/runtime_dir.hpp"
#include "../../support/temp_dir.hpp"

namespace vmtest::util {
namespace {

namespace fs = std::filesystem;

// Sets variables for one test and puts the old values back.
class ScopedEnv {
  public:
    ScopedEnv(std::initializer_list<std::pair<const char*, std::optional<std::string>>> values) {
        for (const auto& [name, value] : values) {
            const char* old = std::getenv(name);
            m_saved[name] = old ? std::optional<std::string>(old) : std::nullopt;
            value ? setenv(name, value->c_str(), 1) : unsetenv(name);
        }
    }
    ~ScopedEnv() {
        for (const auto& [name, value] : m_saved) {
            value ? setenv(name.c_str(), value->c_str(), 1) : unsetenv(name.c_str());
        }
    }

  private:
    std::map<std::string, std::optional<std::string>> m_saved;
};

class OwnDirectories : public ::testing::Test {
  protected:
    test_support::TempDir m_temp;
    const fs::path m_dir = m_temp.path();
};

TEST_F(OwnDirectories, CacheComesFromVmtestCacheDirThenXdgCacheHomeThenHome) {
    ScopedEnv env{{"VMTEST_CACHE_DIR", (m_dir / "mine").string()},
                  {"XDG_CACHE_HOME", (m_dir / "xdg").string()},
                  {"HOME", (m_dir / "home").string()}};
    EXPECT_EQ(cache_location().path, m_dir / "mine");
    EXPECT_EQ(cache_location().chosen_by, "$VMTEST_CACHE_DIR");
    unsetenv("VMTEST_CACHE_DIR");
    EXPECT_EQ(cache_location().path, m_dir / "xdg/vmtest");
    EXPECT_EQ(cache_location().chosen_by, "$XDG_CACHE_HOME");
    unsetenv("XDG_CACHE_HOME");
    EXPECT_EQ(cache_location().path, m_dir / "home/.cache/vmtest");
    EXPECT_EQ(cache_location().chosen_by, "$HOME");
}

TEST_F(OwnDirectories, RelativeXdgPathsAreIgnoredAsTheSpecificationSays) {
    ScopedEnv env{{"VMTEST_CACHE_DIR", std::nullopt},
                  {"XDG_CACHE_HOME", "relative/cache"},
                  {"XDG_STATE_HOME", "state"},
                  {"HOME", (m_dir / "home").string()}};
    EXPECT_EQ(cache_location().path, m_dir / "home/.cache/vmtest");
    EXPECT_EQ(state_location().path, m_dir / "home/.local/state/vmtest");
    EXPECT_EQ(state_location().chosen_by, "$HOME");
    EXPECT_FALSE(absolute_path_from("XDG_STATE_HOME"));
    setenv("XDG_STATE_HOME", (m_dir / "state").c_str(), 1);
    EXPECT_EQ(state_location().path, m_dir / "state/vmtest");
    EXPECT_EQ(state_location().chosen_by, "$XDG_STATE_HOME");
    setenv("XDG_STATE_HOME", "", 1);
    EXPECT_EQ(state_location().chosen_by, "$HOME") << "empty is unset";
}

TEST_F(OwnDirectories, ARelativeHomeIsIgnoredToo) {
    ScopedEnv env{{"VMTEST_CACHE_DIR", std::nullopt}, {"XDG_CACHE_HOME", std::nullopt},
                  {"HOME", "."}};
    EXPECT_TRUE(cache_location().path.is_absolute()) << cache_location().path;
    EXPECT_EQ(cache_location().chosen_by, "the password database");
}

TEST_F(OwnDirectories, ARelativeVmtestCacheDirIsTheUsersChoiceMadeAbsolute) {
    ScopedEnv env{{"VMTEST_CACHE_DIR", "ci-cache"}};
    EXPECT_EQ(cache_location().path, fs::current_path() / "ci-cache");
}

TEST_F(OwnDirectories, AFileInTheWayIsNamedWithTheVariableInOneLine) {
    std::ofstream(m_dir / "a-file") << "x";
    ScopedEnv env{{"VMTEST_CACHE_DIR", std::nullopt},
                  {"XDG_CACHE_HOME", (m_dir / "a-file").string()},
                  {"XDG_STATE_HOME", (m_dir / "a-file/deeper").string()}};
    for (const auto& [what, create] :
         std::vector<std::pair<std::string, fs::path (*)()>>{{"cache", cache_dir},
                                                             {"state", state_dir}}) {
        try {
            create();
            ADD_FAILURE() << what << ": expected an error";
        } catch (const std::runtime_error& e) {
            const std::string message = e.what();
            EXPECT_NE(message.find("cannot create the " + what + " directory " +
                                   (m_dir / "a-file").string()),
                      std::string::npos)
                << message;
            EXPECT_NE(message.find(what == "cache" ? "$XDG_CACHE_HOME" : "$XDG_STATE_HOME"),
                      std::string::npos)
                << message;
            EXPECT_NE(message.find((m_dir / "a-file").string() + " is not a directory"),
                      std::string::npos)
                << message;
            EXPECT_EQ(message.find('\n'), std::string::npos);
        }
    }
    setenv("VMTEST_CACHE_DIR", (m_dir / "a-file").c_str(), 1);
    EXPECT_THROW(cache_dir(), std::runtime_error);
    EXPECT_TRUE(fs::is_regular_file(m_dir / "a-file")) << "left as it was";
}

TEST_F(OwnDirectories, CreatesWhatIsMissing) {
    ScopedEnv env{{"VMTEST_CACHE_DIR", (m_dir / "a/b/c").string()}};
    EXPECT_EQ(cache_dir(), m_dir / "a/b/c");
    EXPECT_TRUE(fs::is_directory(m_dir / "a/b/c"));
}

TEST_F(OwnDirectories, RuntimeBaseSkipsRelativeAndMissingDirectories) {
    std::ofstream(m_dir / "a-file") << "x";
    ScopedEnv env{{"XDG_RUNTIME_DIR", m_dir.string()}, {"TMPDIR", std::nullopt}};
    EXPECT_EQ(RuntimeDir::runtime_base(), m_dir);
    setenv("XDG_RUNTIME_DIR", "relative", 1);
    setenv("TMPDIR", (m_dir / "a-file").c_str(), 1);
    EXPECT_EQ(RuntimeDir::runtime_base(), "/tmp");
    setenv("TMPDIR", m_dir.c_str(), 1);
    EXPECT_EQ(RuntimeDir::runtime_base(), m_dir);
    setenv("TMPDIR", ".", 1);
    EXPECT_EQ(RuntimeDir::runtime_base(), "/tmp");
}

}  // namespace
}  // namespace vmtest::util
