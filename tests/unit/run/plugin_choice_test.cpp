// backend "auto" chooses by what plugins say (priority, arches, kernel
// formats, options) and by their probes, with real plugins: vmtest's own
// and the ranking test backends (tests/plugins/ranked_backend.c).
#include <filesystem>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "run/backend_selector.hpp"
#include "run/plugin_catalog.hpp"
#include "run/plugin_options.hpp"

namespace vmtest::run {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::filesystem::path k_test_plugins = VMTEST_TEST_PLUGIN_DIR;

// A plugin directory holding just `plugins` (links to the test builds).
class PluginDir {
  public:
    explicit PluginDir(std::initializer_list<const char*> plugins) {
        std::filesystem::create_directories(m_path);
        for (const char* plugin : plugins) {
            std::filesystem::create_symlink(k_test_plugins / plugin, m_path / plugin);
        }
    }
    ~PluginDir() { std::filesystem::remove_all(m_path); }
    const std::filesystem::path& path() const { return m_path; }

  private:
    static inline int s_count = 0;
    std::filesystem::path m_path =
        std::filesystem::temp_directory_path() /
        ("vmtest-choice-" + std::to_string(getpid()) + "-" + std::to_string(s_count++));
};

sdk::VmSpec elf_spec() {
    sdk::VmSpec spec;
    spec.kernel_image = "/k/bzImage";
    spec.kernel_image_format = "bzImage";
    spec.kernel_elf = "/k/vmlinux";
    spec.attachments = {{"9p", "vmtest_root", "/", "", true}};
    return spec;
}

std::vector<std::string> names(const std::vector<PluginFacts>& facts) {
    std::vector<std::string> out;
    for (const auto& f : facts) {
        out.push_back(f.name);
    }
    return out;
}

TEST(PluginChoice, AutoOrderIsDescendingPriorityThenNameAndOldPluginsComeLast) {
    PluginDir dir({"test-abi-1-0-backend.so", "test-eager-yes.so"});
    plugin_host::PluginRegistry registry({dir.path(), VMTEST_PLUGIN_DIR});
    PluginCatalog catalog(registry);
    // A 1.0 backend says no priority: the default 0, below vmtest's own.
    EXPECT_THAT(names(catalog.by_priority(VMTEST_KIND_BACKEND)),
                ElementsAre("eager-yes", "qemu-kvm", "qemu-tcg", "abi-1-0-backend"));
    EXPECT_THAT(names(catalog.by_priority(VMTEST_KIND_SHARE)), ElementsAre("virtiofs", "9p"));
}

TEST(PluginChoice, AThirdPartyBackendWinsAutoWhenItsProbeSaysYes) {
    PluginDir dir({"test-eager-no.so", "test-eager-yes.so"});
    plugin_host::PluginRegistry registry({dir.path(), VMTEST_PLUGIN_DIR});
    BackendSelector selector(registry);
    // eager-no outranks it but says no; eager-yes outranks vmtest's own.
    EXPECT_EQ(selector.choose("auto", elf_spec()), "eager-yes");
}

TEST(PluginChoice, AutoFallsThroughABackendThatSaysNoAndSkipsOnesThatDoNotFit) {
    // other-arch outranks all but boots aarch64 only; eager-no says no.
    PluginDir dir({"test-other-arch.so", "test-eager-no.so", "test-abi-1-0-backend.so"});
    plugin_host::PluginRegistry registry({dir.path()});
    BackendSelector selector(registry);
    EXPECT_EQ(selector.choose("auto", elf_spec()), "abi-1-0-backend");
}

TEST(PluginChoice, ABackendThatDoesNotTakeTheGivenOptionsIsNotConsidered) {
    PluginDir dir({"test-eager-yes.so", "test-abi-1-0-backend.so"});
    plugin_host::PluginRegistry registry({dir.path()});
    BackendSelector selector(registry);
    PluginOptions options;
    options.given = {{"no_such_option", 1}};
    EXPECT_THROW(selector.choose("auto", elf_spec(), options), std::runtime_error);
    options.given = {{"flavour", "sweet"}};
    EXPECT_EQ(selector.choose("auto", elf_spec(), options), "eager-yes");
}

TEST(PluginChoice, KernelFormatsDecideWhetherABackendFits) {
    PluginDir dir({"test-eager-yes.so", "test-abi-1-0-backend.so"});
    plugin_host::PluginRegistry registry({dir.path()});
    BackendSelector selector(registry);
    auto spec = elf_spec();
    spec.kernel_elf.clear(); // no PVH ELF: eager-yes boots only ELF kernels
    EXPECT_EQ(selector.choose("auto", spec), "abi-1-0-backend");
    try {
        selector.choose("eager-yes", spec);
        FAIL() << "chose a backend that cannot boot a bzImage";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(),
                     "backend eager-yes cannot run here: it does not boot bzImage kernels");
    }
}

sdk::VmSpec image_spec(bool uefi) {
    sdk::VmSpec spec;
    spec.image = "/img/debian.qcow2";
    spec.uefi = uefi;
    spec.disks = {{"/run/x/overlay.qcow2", "qcow2", false, false, true}};
    spec.attachments = {{"9p", "vmtest_project", "/p", "", false}};
    return spec;
}

TEST(PluginChoice, ABackendBuiltBeforeDiskBootsIsNeverGivenAnImage) {
    PluginDir dir({"test-eager-yes.so", "test-abi-1-0-backend.so"});
    plugin_host::PluginRegistry registry({dir.path()});
    BackendSelector selector(registry);
    try {
        selector.choose("abi-1-0-backend", image_spec(false));
        FAIL() << "gave an image to a backend that boots kernels only";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "backend abi-1-0-backend cannot run here: it boots kernels only, "
                               "not disk images (its describe declares no disk_firmwares; a "
                               "backend built before vmtest's ABI 1.3 never does)");
    }
    EXPECT_THROW(selector.choose("auto", image_spec(true)), std::runtime_error);
}

TEST(PluginChoice, TheMicrovmExampleSaysItBootsKernelsOnly) {
    plugin_host::PluginRegistry registry({VMTEST_EXAMPLE_PLUGIN_DIR});
    BackendSelector selector(registry);
    try {
        selector.choose("qemu-microvm", image_spec(false));
        FAIL() << "gave an image to microvm";
    } catch (const std::runtime_error& e) {
        EXPECT_THAT(e.what(), ::testing::StartsWith("backend qemu-microvm cannot run here: it "
                                                    "boots kernels only, not disk images"));
    }
}

TEST(PluginChoice, TheQemuBackendsBootDisksWithBiosAndUefi) {
    plugin_host::PluginRegistry registry({VMTEST_PLUGIN_DIR});
    PluginCatalog catalog(registry);
    for (const char* name : {"qemu-tcg", "qemu-kvm"}) {
        EXPECT_THAT(catalog.facts(VMTEST_KIND_BACKEND, name).disk_firmwares,
                    ElementsAre("bios", "uefi"))
            << name;
    }
}

TEST(PluginChoice, NothingUsableNamesEveryBackendAndItsReason) {
    PluginDir dir({"test-eager-no.so"});
    plugin_host::PluginRegistry registry({dir.path()});
    BackendSelector selector(registry);
    PluginOptions options;
    options.given = {{"flavour", "x"}};
    try {
        selector.choose("auto", elf_spec(), options);
        FAIL();
    } catch (const std::runtime_error& e) {
        // The probe ran with the options as its config.
        EXPECT_STREQ(e.what(), "no backend can run here: eager-no: eager-no has no hardware here "
                               "(config {\"flavour\":\"x\"})");
    }
}

TEST(PluginChoice, AliasesGoOnlyToBackendsThatDeclareThemAndGivenOptionsWin) {
    PluginDir dir({"test-abi-1-0-backend.so"});
    plugin_host::PluginRegistry registry({dir.path(), VMTEST_PLUGIN_DIR});
    PluginCatalog catalog(registry);
    config::Target target;
    target.qemu_command = "/opt/qemu";
    target.vm.extra_args = {"-s"};
    target.plugin_options["backend"] = {{"probe_timeout_ms", 100}, {"qemu_command", "/q"}};
    const auto options = plugin_options_of(target, VMTEST_KIND_BACKEND);
    EXPECT_EQ(options.config_for(catalog.facts(VMTEST_KIND_BACKEND, "qemu-tcg")),
              (nlohmann::json{
                  {"probe_timeout_ms", 100}, {"qemu_command", "/q"}, {"extra_args", {"-s"}}}));
    EXPECT_EQ(options.config_for(catalog.facts(VMTEST_KIND_BACKEND, "abi-1-0-backend")),
              (nlohmann::json{{"probe_timeout_ms", 100}, {"qemu_command", "/q"}}));
}

// Validation before anything boots.
class OptionCheck : public ::testing::Test {
  protected:
    plugin_host::PluginRegistry m_registry{{VMTEST_PLUGIN_DIR}};
    PluginCatalog m_catalog{m_registry};
    config::Target m_target;

    std::string problem() {
        const auto found = find_option_problem(m_target, m_catalog);
        return found ? found->field + ": " + found->message : "none";
    }
};

TEST_F(OptionCheck, DeclaredOptionsOfTheRightTypePass) {
    m_target.plugin_options["share"] = {{"msize", 65536}};
    m_target.plugin_options["backend"] = {{"extra_args", {"-s"}}, {"probe_timeout_ms", 100}};
    m_target.plugin_options["runner"] = {{"connect_attempt_ms", 100}};
    EXPECT_EQ(problem(), "none");
}

TEST_F(OptionCheck, AnUnknownOptionOfANamedPluginListsWhatItTakes) {
    m_target.plugin_options["share"] = {{"msise", 65536}};
    EXPECT_EQ(problem(), "share_options.msise: share 9p has no option 'msise' (it takes msize)");
}

TEST_F(OptionCheck, AnOptionOfTheWrongTypeNamesThePluginAndTheType) {
    m_target.plugin_options["share"] = {{"msize", "64k"}};
    EXPECT_EQ(problem(),
              "share_options.msize: share 9p's option 'msize' must be an integer, got \"64k\"");
    m_target.plugin_options["share"] = nlohmann::json::object();
    m_target.plugin_options["backend"] = {{"extra_args", {"-s", 5}}};
    EXPECT_EQ(problem(), "backend_options.extra_args: backend qemu-kvm's option 'extra_args' must "
                         "be an array of strings, got [\"-s\",5]");
}

TEST_F(OptionCheck, WithAutoAnOptionNoPluginOfTheKindTakesIsRefused) {
    m_target.plugin_options["backend"] = {{"bogus", true}};
    EXPECT_EQ(problem(), "backend_options.bogus: no backend takes option 'bogus'");
}

TEST_F(OptionCheck, ARunnerOptionIsCheckedAgainstTheRunner) {
    m_target.plugin_options["runner"] = {{"connect_timeout_ms", 1.5}};
    EXPECT_EQ(problem(), "runner_options.connect_timeout_ms: runner qga's option "
                         "'connect_timeout_ms' must be an integer, got 1.5");
}

} // namespace
} // namespace vmtest::run
