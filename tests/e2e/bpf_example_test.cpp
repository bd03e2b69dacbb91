// End-to-end: examples/bpf-prog-run as its README has a user run it. The
// example is copied out of the source tree (as a fresh clone has it: no
// build, no kernels), built on the host with the host's BPF toolchain
// (clang, bpftool, libbpf), its kernels put in place by its own
// fetch-kernels.sh, and its own vmtest.toml run by vmtest on Debian's
// installed 6.1 and on the 6.12 package (VMTEST_E2E_DEB_KERNEL, which
// .ci/run sets; without it only the 6.1 half runs and the test says so).
// The test program's KTAP must come out as one JUnit test case per test and
// kernel: every test passing on both kernels, but the dynptr one, which
// probes the kernel for its kfunc and skips on 6.1 (saying why) and passes
// on 6.12. Two boots.
#include <gmock/gmock.h>

#include "../support/report_consumers.hpp"
#include "e2e_fixture.hpp"

namespace vmtest::e2e {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using report_testing::suite;
using report_testing::test_case;

constexpr const char* k_feature_test = "dynptr_guard_agrees_with_direct_access";
const std::vector<std::string> k_tests = {
    "passes_frames_that_are_not_ipv4", "passes_tcp_even_to_the_echo_port",
    "passes_udp_to_other_ports",       "drops_udp_to_the_discard_port",
    "answers_udp_echo_in_place",       "drops_malformed_frames",
    "counts_verdicts_in_a_map",        k_feature_test};

// What building the example needs from the host; empty when all is there.
std::vector<std::string> missing_toolchain() {
    std::vector<std::string> missing;
    for (const std::string tool : {"cmake", "make", "cc", "clang", "pkg-config"}) {
        if (report_testing::run_tool({"sh", "-c", "command -v " + tool}).status != 0) {
            missing.push_back(tool);
        }
    }
    // Debian installs bpftool in /usr/sbin, which the example looks in too.
    if (report_testing::run_tool({"sh", "-c", "command -v bpftool || test -x /usr/sbin/bpftool"})
            .status != 0) {
        missing.push_back("bpftool");
    }
    if (report_testing::run_tool({"pkg-config", "--exists", "libbpf"}).status != 0) {
        missing.push_back("libbpf-dev");
    }
    if (!fs::exists("/usr/include/linux/bpf.h")) {
        missing.push_back("linux-libc-dev");
    }
    return missing;
}

class BpfExample : public E2E {
  protected:
    void SetUp() override {
        E2E::SetUp();
        if (IsSkipped()) {
            return;
        }
        if (const auto missing = missing_toolchain(); !missing.empty()) {
            std::string names;
            for (const auto& name : missing) {
                names += " " + name;
            }
            GTEST_SKIP() << "the BPF example cannot be built here, missing:" << names
                         << " (.ci/install-deps installs them)";
        }
        // What a clone has: the sources, none of what a build or a run leaves.
        for (const auto& entry : fs::directory_iterator(VMTEST_BPF_EXAMPLE_DIR)) {
            const auto name = entry.path().filename();
            if (name != "build" && name != "kernels" && name != "results") {
                fs::copy(entry.path(), m_project / name, fs::copy_options::recursive);
            }
        }
    }

    // The README's build, on the host (the project path has a space).
    void build() const {
        const auto configure = report_testing::run_tool(
            {"cmake", "-S", m_project.string(), "-B", (m_project / "build").string()});
        ASSERT_EQ(configure.status, 0) << configure.output;
        const auto build =
            report_testing::run_tool({"cmake", "--build", (m_project / "build").string()});
        ASSERT_EQ(build.status, 0) << build.output;
    }

    // A kernel's suite: the target's own case and one per test, the feature
    // test skipped with `skip_reason` or, when that is empty, passed.
    static void expect_kernel_suite(const nlohmann::json& suite, const std::string& release_prefix,
                                    const std::string& skip_reason) {
        SCOPED_TRACE("suite " + suite["name"].get<std::string>());
        EXPECT_EQ(suite["tests"], 1 + k_tests.size());
        EXPECT_EQ(suite["failures"], 0);
        EXPECT_EQ(suite["errors"], 0);
        EXPECT_EQ(suite["skipped"], skip_reason.empty() ? 0 : 1);
        const auto& target = test_case(suite, suite["name"]);
        EXPECT_EQ(target["verdict"], "pass");
        EXPECT_THAT(target["system_out"].get<std::string>(),
                    HasSubstr("\n# kernel " + release_prefix));
        for (const auto& name : k_tests) {
            const auto& result = test_case(suite, name);
            if (name == k_feature_test && !skip_reason.empty()) {
                EXPECT_EQ(result["verdict"], "skipped") << name;
                EXPECT_EQ(result["message"], skip_reason) << name;
            } else {
                EXPECT_EQ(result["verdict"], "pass") << name;
            }
        }
    }
};

TEST_F(BpfExample, BuildsOnTheHostAndRunsItsKtapTestsOnEachKernelOfItsVmtestToml) {
    ASSERT_NO_FATAL_FAILURE(build());
    const char* deb = std::getenv("VMTEST_E2E_DEB_KERNEL");
    const bool both_kernels = deb != nullptr && *deb != '\0';
    std::vector<std::string> args;
    if (both_kernels) {
        const auto fetch =
            report_testing::run_tool({(m_project / "fetch-kernels.sh").string(), deb});
        ASSERT_EQ(fetch.status, 0) << fetch.output;
    } else {
        // fetch-kernels.sh would download the 6.12 package: the installed
        // kernel only, linked where the script links it.
        fs::create_directories(m_project / "kernels");
        fs::create_symlink(m_kernel, m_project / "kernels/vmlinuz-6.1");
        args = {"--filter", "^debian-6\\.1$"};
    }
    // The installed kernel the example names is the one the suite boots.
    ASSERT_EQ(fs::canonical(m_project / "kernels/vmlinuz-6.1"), fs::canonical(m_kernel));

    const auto result = vmtest(args, std::chrono::seconds(540));
    ASSERT_EQ(result.status, 0) << describe(result);
    const std::string skip_reason =
        "this kernel has no kfunc bpf_dynptr_from_xdp (Linux 6.3 added it)";
    EXPECT_THAT(result.out,
                HasSubstr("ok 8 " + std::string(k_feature_test) + " # SKIP " + skip_reason));

    const auto junit_file = m_project / "results/junit.xml";
    const auto valid = report_testing::validate_junit(junit_file);
    EXPECT_EQ(valid.status, 0) << valid.output;
    const auto junit = report_testing::read_junit(junit_file);
    ASSERT_EQ(junit["suites"].size(), both_kernels ? 2U : 1U) << junit.dump(2);
    expect_kernel_suite(suite(junit, "debian-6.1"), m_release, skip_reason);
    if (!both_kernels) {
        GTEST_SKIP() << "ran on the installed kernel only: VMTEST_E2E_DEB_KERNEL is not set "
                        "(.ci/run sets it to what .ci/deb-kernel prints: a linux-image-6.12 .deb)";
    }
    expect_kernel_suite(suite(junit, "debian-6.12"), "6.12.", "");
}

} // namespace
} // namespace vmtest::e2e
