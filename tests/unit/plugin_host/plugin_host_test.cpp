#include <cstdlib>
#include <elf.h>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugin_host/plugin_registry.hpp"
#include "plugin_host/typed_plugins.hpp"
#include "run/events.hpp"

namespace vmtest::plugin_host {
namespace {

using ::testing::HasSubstr;

const std::filesystem::path k_dir = VMTEST_TEST_PLUGIN_DIR;

std::string load_error(const std::string& file) {
    try {
        PluginLibrary::load(k_dir / file);
    } catch (const PluginLoadError& e) {
        return e.what();
    }
    return "loaded";
}

// This SDK's ABI version with `minor_ahead` added to its minor, as messages
// print it.
std::string abi_version(int minor_ahead) {
    return std::to_string(VMTEST_ABI_MAJOR) + "." + std::to_string(VMTEST_ABI_MINOR + minor_ahead);
}

TEST(PluginLibrary, LoadsAWellFormedPluginAndReadsItsDescriptor) {
    const auto library = PluginLibrary::load(k_dir / "test-recording.so");
    EXPECT_EQ(library->kind(), VMTEST_KIND_REPORTER);
    EXPECT_EQ(library->name(), "recording");
    EXPECT_EQ(library->version(), "1.2.3");
    EXPECT_EQ(library->summary(), "Records event types to a file");
}

// Packaging strips every shared object (Debian's dh_strip, cmake --install
// --strip, the .deb): the entry point must still be found, in .dynsym.
TEST(PluginLibrary, LoadsAStrippedPlugin) {
    const auto dir = std::filesystem::temp_directory_path() / "vmtest-stripped-plugin";
    std::filesystem::create_directories(dir);
    const auto file = dir / "test-recording.so";
    std::filesystem::copy_file(k_dir / "test-recording.so", file,
                               std::filesystem::copy_options::overwrite_existing);
    ASSERT_EQ(std::system(("strip --strip-all " + file.string()).c_str()), 0);
    ASSERT_NE(std::system(("readelf -S " + file.string() + " | grep -q '\\.symtab'").c_str()), 0)
        << "strip left the static symbol table";
    const auto library = PluginLibrary::load(file);
    EXPECT_EQ(library->name(), "recording");
    std::filesystem::remove_all(dir);
}

// The symbol check reads the file's own tables before anything loads it: a
// corrupt size is a clear refusal, never a request for terabytes.
TEST(PluginLibrary, RefusesAPluginWhoseSymbolNamesClaimMoreThanTheFile) {
    const auto dir = std::filesystem::temp_directory_path() / "vmtest-corrupt-plugin";
    std::filesystem::create_directories(dir);
    const auto file = dir / "test-recording.so";
    std::filesystem::copy_file(k_dir / "test-recording.so", file,
                               std::filesystem::copy_options::overwrite_existing);
    {
        std::fstream elf(file, std::ios::in | std::ios::out | std::ios::binary);
        Elf64_Ehdr header{};
        elf.read(reinterpret_cast<char*>(&header), sizeof header);
        for (unsigned i = 0; i < header.e_shnum; ++i) {
            Elf64_Shdr section{};
            elf.seekg(static_cast<std::streamoff>(header.e_shoff + i * sizeof section));
            elf.read(reinterpret_cast<char*>(&section), sizeof section);
            if (section.sh_type != SHT_DYNSYM) {
                continue;
            }
            Elf64_Shdr strings{};
            const auto at = static_cast<std::streamoff>(header.e_shoff + section.sh_link * sizeof strings);
            elf.seekg(at);
            elf.read(reinterpret_cast<char*>(&strings), sizeof strings);
            strings.sh_size = 1ULL << 42;
            elf.seekp(at);
            elf.write(reinterpret_cast<const char*>(&strings), sizeof strings);
        }
    }
    std::string error = "loaded";
    try {
        PluginLibrary::load(file);
    } catch (const PluginLoadError& e) {
        error = e.what();
    }
    EXPECT_THAT(error, HasSubstr(file.string()));
    EXPECT_THAT(error, HasSubstr("cut short"));
    std::filesystem::remove_all(dir);
}

TEST(PluginLibrary, RefusesAnotherMajorAbiNamingFileAndBothVersions) {
    const auto error = load_error("test-future-major.so");
    EXPECT_THAT(error, HasSubstr((k_dir / "test-future-major.so").string()));
    EXPECT_THAT(error, HasSubstr("built for vmtest plugin ABI 2.0"));
    EXPECT_THAT(error, HasSubstr("this vmtest has ABI " + abi_version(0)));
}

TEST(PluginLibrary, RefusesANewerMinorAbi) {
    EXPECT_THAT(load_error("test-newer-minor.so"),
                HasSubstr("built for vmtest plugin ABI " + abi_version(1)));
}

TEST(PluginLibrary, RefusesASharedObjectWithoutTheEntryPoint) {
    EXPECT_THAT(load_error("test-no-entry.so"),
                HasSubstr("does not export vmtest_plugin_entry; is it a vmtest plugin?"));
}

TEST(PluginLibrary, RefusesAFileThatIsNotASharedObject) {
    const auto file = std::filesystem::temp_directory_path() / "vmtest-not-elf.so";
    std::ofstream(file) << "plain text";
    try {
        PluginLibrary::load(file);
        FAIL() << "loaded a text file";
    } catch (const PluginLoadError& e) {
        EXPECT_THAT(e.what(), HasSubstr("not a shared object"));
    }
    std::filesystem::remove(file);
}

TEST(PluginRegistry, ListsGoodPluginsAndRecordsWhyOthersWereRefused) {
    PluginRegistry registry({k_dir});
    EXPECT_TRUE(registry.has(VMTEST_KIND_REPORTER, "recording"));
    EXPECT_EQ(registry.refused().size(), 4u);  // also null-required: a NULL required entry
    // Asking for a refused plugin by name gives the refusal, not "not found".
    try {
        registry.find(VMTEST_KIND_REPORTER, "future-major");
        FAIL();
    } catch (const PluginLoadError& e) {
        EXPECT_THAT(e.what(), HasSubstr("ABI 2.0"));
    }
}

TEST(PluginRegistry, UnknownNameListsWhatIsAvailable) {
    PluginRegistry registry({k_dir});
    try {
        registry.find(VMTEST_KIND_REPORTER, "nope");
        FAIL();
    } catch (const PluginLoadError& e) {
        EXPECT_STREQ(e.what(), "no reporter plugin named 'nope' (available: recording; see "
                               "vmtest --list-plugins)");
    }
}

TEST(PluginRegistry, FirstDirectoryWinsSoUsersCanOverrideBuiltins) {
    const auto other = std::filesystem::temp_directory_path() / "vmtest-registry-override";
    std::filesystem::create_directories(other);
    std::filesystem::copy_file(k_dir / "test-recording.so", other / "a-copy.so",
                               std::filesystem::copy_options::overwrite_existing);
    PluginRegistry registry({other, k_dir});
    EXPECT_EQ(registry.find(VMTEST_KIND_REPORTER, "recording")->file(), other / "a-copy.so");
    std::filesystem::remove_all(other);
}

class RecordingReporterTest : public ::testing::Test {
  protected:
    std::unique_ptr<PluginInstance> make(const nlohmann::json& config) {
        return std::make_unique<PluginInstance>(PluginLibrary::load(k_dir / "test-recording.so"),
                                                config, HostCallbacks{});
    }
    std::filesystem::path m_file =
        std::filesystem::temp_directory_path() / ("vmtest-recording-" + std::to_string(getpid()));
    void TearDown() override { std::filesystem::remove(m_file); }
};

TEST_F(RecordingReporterTest, EventsAndFinishCrossTheBoundary) {
    ReporterPlugin reporter(make({{"path", m_file.string()}}));
    reporter.event({{"type", "run_started"}});
    reporter.event({{"type", "output"}, {"data", std::string("\xff\xfe not utf-8")}});
    reporter.finish();
    std::ifstream in(m_file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text, "run_started\noutput\nfinish\n");
}

// A reporter that fails mid-run is dropped so the run goes on, but its
// report is missing: finish() says so, and the run cannot pass for good.
TEST_F(RecordingReporterTest, AReporterDroppedMidRunMakesFinishFail) {
    run::EventBus healthy;
    healthy.add(std::make_unique<ReporterPlugin>(make({{"path", m_file.string()}})));
    healthy.target_started("fine", 0);
    EXPECT_TRUE(healthy.finish());

    run::EventBus broken;
    broken.add(std::make_unique<ReporterPlugin>(make({{"path", m_file.string()}})));
    broken.target_started("explode", 0);
    broken.target_started("later", 1);
    EXPECT_FALSE(broken.finish());
}

TEST_F(RecordingReporterTest, ACreateErrorCarriesThePluginsMessage) {
    try {
        make(nlohmann::json::object());
        FAIL();
    } catch (const PluginError& e) {
        EXPECT_STREQ(e.what(), "reporter recording: recording reporter needs a path");
    }
}

TEST_F(RecordingReporterTest, AnExceptionInsideThePluginBecomesAnError) {
    ReporterPlugin reporter(make({{"path", m_file.string()}}));
    try {
        reporter.event({{"type", "explode"}});
        FAIL();
    } catch (const PluginError& e) {
        EXPECT_EQ(e.status(), VMTEST_ERROR);
        EXPECT_STREQ(e.what(), "asked to explode");
    }
}

SharePlugin share_from(const std::string& file) {
    return SharePlugin(std::make_unique<PluginInstance>(PluginLibrary::load(k_dir / file),
                                                        nlohmann::json::object(), HostCallbacks{}));
}

TEST(SharePluginHealth, AHelperThatDiedIsReportedInThePluginsOwnWords) {
    auto share = share_from("test-share-health.so");
    EXPECT_EQ(share.health(), "test-helper serving /srv was killed by signal 9 (Killed)");
}

TEST(SharePluginHealth, AShareBuiltAgainstAbi10KeepsLoadingAndHasNothingToWatch) {
    // Its table ends before `health`; the function the static table holds
    // past its struct_size must not be called.
    auto share = share_from("test-share-health-abi-1-0.so");
    EXPECT_EQ(share.instance().library().name(), "health-abi-1-0");
    EXPECT_EQ(share.describe().attachment, "9p");
    EXPECT_EQ(share.health(), std::nullopt);
}

}  // namespace
}  // namespace vmtest::plugin_host
