// End-to-end: choosing targets without running them (--list, --list --json,
// --shard), and where a run's time goes (the phases in the reports, and the
// guest init's boot steps with -v). One boot; the rest boots nothing.
#include <regex>
#include <set>

#include <gmock/gmock.h>

#include "../support/report_consumers.hpp"
#include "e2e_fixture.hpp"

namespace vmtest::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Four targets; one names a URL that nothing serves, and one a backend that
// does not exist, so that anything but a pure listing would fail loudly.
const std::string k_four_targets = R"(
[[target]]
name = "alpha"
kernel = "kernel"
command = "true"

[[target]]
name = "6.1 \"quoted\" ✓"
kernel = "http://127.0.0.1:9/vmlinuz"
command = "true"

[[target]]
name = "gamma"
kernel = "kernel"
backend = "qemu-tcg"
command = "true"

[[target]]
name = "delta"
kernel = "kernel"
command = "true"
)";

const std::vector<std::string> k_four_names{"alpha", "6.1 \"quoted\" ✓", "gamma", "delta"};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        lines.push_back(text.substr(start, end - start));
        start = end == std::string::npos ? text.size() : end + 1;
    }
    return lines;
}

class TargetSelection : public E2E {
  protected:
    void SetUp() override {
        E2E::SetUp();
        if (IsSkipped()) {
            return;
        }
        std::filesystem::create_symlink(m_kernel, m_project / "kernel");
        write_file("vmtest.toml", k_four_targets);
    }

    // The names `args` (plus --list) selects; a listing never takes long.
    std::vector<std::string> listed(std::vector<std::string> args) const {
        args.push_back("--list");
        const auto result = vmtest(args, std::chrono::seconds(30));
        EXPECT_EQ(result.status, 0) << describe(result);
        EXPECT_LT(result.seconds, 10) << "a listing boots and downloads nothing";
        return lines_of(result.out);
    }
};

TEST_F(TargetSelection, ListPrintsTheSelectedNamesAndStartsNothing) {
    EXPECT_EQ(listed({}), k_four_names);
    EXPECT_EQ(listed({"--filter", "a$"}), (std::vector<std::string>{"alpha", "gamma", "delta"}));
    const auto result = vmtest({"--list"});
    EXPECT_EQ(result.err, "") << "no download, no boot, nothing to say";
    EXPECT_FALSE(std::filesystem::exists(m_root / "state" / "vmtest" / "boot-logs"));
}

TEST_F(TargetSelection, ListJsonIsOneLineACiMatrixCanRead) {
    const auto result = vmtest({"--list", "--json", "--backend", "qemu-tcg", "-f", "^(alpha|6)"});
    ASSERT_EQ(result.status, 0) << describe(result);
    EXPECT_EQ(lines_of(result.out).size(), 1u) << "one line, for $GITHUB_OUTPUT";
    const auto list = nlohmann::json::parse(result.out);
    ASSERT_EQ(list.size(), 2u) << result.out;
    EXPECT_EQ(list[0]["name"], "alpha");
    EXPECT_EQ(list[0]["kernel"], (m_project / "kernel").string());
    EXPECT_EQ(list[0]["arch"], "x86_64");
    EXPECT_EQ(list[0]["backend"], "qemu-tcg") << "--backend overrides, as in a run";
    EXPECT_EQ(list[1]["name"], k_four_names[1]);
    EXPECT_EQ(list[1]["kernel"], "http://127.0.0.1:9/vmlinuz");

    // Without --backend, "auto" stays "auto"; and each listed filter selects
    // its own target alone, whatever its name holds.
    const auto all = nlohmann::json::parse(vmtest({"--list", "--json"}).out);
    ASSERT_EQ(all.size(), 4u);
    EXPECT_EQ(all[0]["backend"], "auto");
    EXPECT_EQ(all[2]["backend"], "qemu-tcg");
    for (const auto& target : all) {
        EXPECT_EQ(listed({"--filter", target["filter"].get<std::string>()}),
                  std::vector<std::string>{target["name"].get<std::string>()});
    }
}

// N jobs with --shard 1/N .. N/N run every target exactly once, for any N,
// with --filter too; more jobs than targets leaves some with nothing to do.
TEST_F(TargetSelection, ShardsAreDisjointAndCoverEveryTarget) {
    for (const std::vector<std::string>& filter :
         {std::vector<std::string>{}, std::vector<std::string>{"--filter", "a$"}}) {
        const auto selected = listed(filter);
        for (int count = 1; count <= 5; ++count) {
            std::multiset<std::string> seen;
            for (int index = 1; index <= count; ++index) {
                auto args = filter;
                args.insert(args.end(), {"--shard", std::to_string(index) + "/" +
                                                        std::to_string(count)});
                for (const auto& name : listed(args)) {
                    seen.insert(name);
                }
            }
            EXPECT_EQ(seen, std::multiset<std::string>(selected.begin(), selected.end()))
                << count << " shards";
        }
    }
    EXPECT_EQ(listed({"--shard", "2/3"}), (std::vector<std::string>{k_four_names[1]}));
}

TEST_F(TargetSelection, AnEmptyShardIsANoticeAndSuccess) {
    const auto list = vmtest({"--list", "--shard", "5/5"});
    EXPECT_EQ(list.status, 0) << describe(list);
    EXPECT_EQ(list.out, "");
    EXPECT_EQ(list.err, "vmtest: shard 5/5 selects no targets\n");
    EXPECT_EQ(vmtest({"--list", "--json", "--shard", "5/5"}).out, "[]\n");

    // A CI job of an empty shard still gets its (empty) report.
    const auto run = vmtest({"--shard", "5/5", "--reporter", "junit=results.xml"});
    EXPECT_EQ(run.status, 0) << describe(run);
    EXPECT_THAT(run.err, StartsWith("vmtest: shard 5/5 selects no targets\n"));
    const auto valid = report_testing::validate_junit(m_project / "results.xml");
    EXPECT_EQ(valid.status, 0) << valid.output;
    EXPECT_EQ(report_testing::read_junit(m_project / "results.xml")["tests"], 0);
}

TEST_F(TargetSelection, BadFlagValuesAreOneLineAndExit2) {
    for (const std::string bad : {"0/3", "4/3", "x", "1/0", "", "1/3/3", "-1/3"}) {
        const auto result = vmtest({"--list", "--shard", bad});
        EXPECT_EQ(result.status, 2) << bad << ": " << describe(result);
        EXPECT_EQ(result.out, "");
        EXPECT_THAT(result.err, StartsWith("vmtest: --shard: expected K/N with 1 <= K <= N (e.g. "
                                           "2/4), got '" + bad + "'"));
        EXPECT_EQ(lines_of(result.err).size(), 2u) << "the error and the --help hint";
    }
    const auto json_alone = vmtest({"--json"});
    EXPECT_EQ(json_alone.status, 2) << describe(json_alone);
    EXPECT_THAT(json_alone.err, StartsWith("vmtest: --json can only be used with --list\n"));
}

// One boot with -v: the guest init's steps, timed from the kernel's start,
// and the target's phases in both reports, adding up to its duration.
TEST_F(TargetSelection, VerboseRunShowsTheGuestBootStepsAndReportsThePhases) {
    const auto result = vmtest({"-v", "--filter", "^alpha$", "--reporter",
                                "junit=results.xml", "--reporter", "tap=results.tap"});
    ASSERT_EQ(result.status, 0) << describe(result);

    const std::regex boot_line(
        "vmtest: debug: target alpha: guest boot, in seconds since the kernel started: ([^\n]*)");
    std::smatch boot;
    ASSERT_TRUE(std::regex_search(result.err, boot, boot_line)) << result.err;
    const std::string steps = boot[1];
    const std::regex step("([a-z_]+) ([0-9]+\\.[0-9]{3}) s");
    std::vector<std::string> names;
    double previous = 0;
    for (auto it = std::sregex_iterator(steps.begin(), steps.end(), step);
         it != std::sregex_iterator(); ++it) {
        names.push_back((*it)[1]);
        const double at = std::stod((*it)[2]);
        EXPECT_GE(at, previous) << steps;
        previous = at;
    }
    EXPECT_EQ(names, (std::vector<std::string>{"init_started", "modules_loaded", "root_mounted",
                                               "shares_mounted", "ports_ready", "agent_started"}))
        << steps;
    EXPECT_GT(previous, 0.1) << "a kernel takes a while to reach its init";
    EXPECT_THAT(result.err, HasSubstr("vmtest: debug: target alpha: setup "));

    const auto valid = report_testing::validate_junit(m_project / "results.xml");
    EXPECT_EQ(valid.status, 0) << valid.output;
    const auto junit = report_testing::read_junit(m_project / "results.xml");
    ASSERT_EQ(junit["suites"].size(), 1u);
    const auto& suite = junit["suites"][0];
    double sum = 0;
    for (const char* phase : {"vmtest.setup_s", "vmtest.boot_s", "vmtest.command_s",
                              "vmtest.shutdown_s"}) {
        ASSERT_TRUE(suite["properties"].contains(phase)) << suite.dump(2);
        const double seconds = std::stod(suite["properties"][phase].get<std::string>());
        EXPECT_GT(seconds, 0) << phase;
        sum += seconds;
    }
    const double duration = std::stod(suite["time"].get<std::string>());
    EXPECT_NEAR(sum, duration, 0.01) << "the phases partition the target's time";
    EXPECT_GT(std::stod(suite["properties"]["vmtest.boot_s"].get<std::string>()), previous * 0.5)
        << "booting is most of it under TCG";

    const auto tap = report_testing::read_tap(m_project / "results.tap");
    EXPECT_EQ(tap["tests"][0]["yaml"]["phases"].size(), 4u) << tap.dump(2);
}

}  // namespace
}  // namespace vmtest::e2e
