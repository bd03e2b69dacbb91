// End-to-end: targets running side by side (-j, `jobs`) on Debian's kernel
// in real QEMU. What a parallel run must keep from a sequential one: the
// same reports in the same order, whole output blocks, no collisions in the
// shared project directory; and what it must add: waiting for memory
// rather than oversubscribing it, and Ctrl-C stopping every VM.
#include <csignal>
#include <fstream>
#include <regex>
#include <thread>

#include <gmock/gmock.h>

#include "../support/process_table.hpp"
#include "../support/report_consumers.hpp"
#include "e2e_fixture.hpp"

namespace vmtest::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr int k_lines_per_target = 5;

class ParallelRuns : public E2E {
  protected:
    void SetUp() override {
        E2E::SetUp();
        if (IsSkipped()) {
            return;
        }
        std::filesystem::create_symlink(m_kernel, m_project / "kernel");
    }

    // A cheap target: echoes numbered lines with its name, writes its own
    // file into the shared project directory and reads it back.
    static std::string target(const std::string& name, const std::string& memory = "512M") {
        return "[[target]]\nname = \"" + name + "\"\nkernel = \"kernel\"\ncommand = '''" +
               "for i in $(seq " + std::to_string(k_lines_per_target) + "); do echo \"" + name +
               " says line $i\"; done; echo " + name + " > own-" + name + ".txt; sleep 1; " +
               "test \"$(cat own-" + name + ".txt)\" = " + name + " && echo " + name +
               " read back its file'''\n[target.vm]\nmemory = \"" + memory + "\"\n";
    }

    // The report's text with what differs between any two runs (times,
    // durations, the phases' seconds) blanked out.
    std::string without_timings(const std::filesystem::path& file) const {
        std::string text = read_file(file);
        for (const char* pattern : {R"( time="[0-9.]+")", R"( timestamp="[0-9T:-]+")",
                                    R"(_s: [0-9.]+)",
                                    R"( value="[0-9]+\.[0-9]+")"}) {
            text = std::regex_replace(text, std::regex(pattern), "");
        }
        return text;
    }

    // MemAvailable now, in MiB, as vmtest reads it.
    static std::uint64_t mem_available_mib() {
        std::ifstream meminfo("/proc/meminfo");
        for (std::string key; meminfo >> key;) {
            std::uint64_t kib = 0;
            meminfo >> kib;
            if (key == "MemAvailable:") {
                return kib / 1024;
            }
            meminfo.ignore(1 << 10, '\n');
        }
        return 0;
    }
};

TEST_F(ParallelRuns, FourTargetsTwoAtATimeReportAndPrintExactlyAsOneAtATime) {
    // `jobs = 3` in the file: the flag wins over it in both runs.
    write_file("vmtest.toml", "jobs = 3\n" + target("alpha") + target("bravo") +
                                  target("charlie") + target("delta"));
    const auto parallel =
        vmtest({"-j2", "-v", "--reporter", "junit=j2.xml", "--reporter", "tap=j2.tap"});
    ASSERT_EQ(parallel.status, 0) << describe(parallel);
    const auto sequential =
        vmtest({"-j", "1", "--reporter", "junit=j1.xml", "--reporter", "tap=j1.tap"});
    ASSERT_EQ(sequential.status, 0) << describe(sequential);

    EXPECT_THAT(parallel.err, HasSubstr("up to 2 targets at once")) << "-j2, not the file's 3";
    EXPECT_THAT(sequential.err, Not(HasSubstr("targets at once")));
    // Side by side indeed: bravo started before alpha ended.
    const auto bravo_starts = parallel.err.find("target bravo starts");
    const auto alpha_ends = parallel.err.find("target alpha ended");
    ASSERT_NE(bravo_starts, std::string::npos) << parallel.err;
    EXPECT_LT(bravo_starts, alpha_ends) << parallel.err;

    // The console (off a terminal): each target one whole block, in config
    // order, the same text as the sequential run's.
    EXPECT_EQ(parallel.out, sequential.out);
    std::vector<std::string> lines;
    std::istringstream out(parallel.out);
    for (std::string line; std::getline(out, line);) {
        if (line.find(" says line ") != std::string::npos) {
            lines.push_back(line);
        }
    }
    ASSERT_EQ(lines.size(), 4u * k_lines_per_target) << parallel.out;
    const std::vector<std::string> names{"alpha", "bravo", "charlie", "delta"};
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string name = names[i / k_lines_per_target];
        EXPECT_EQ(lines[i], name + " says line " + std::to_string(i % k_lines_per_target + 1))
            << "whole lines, grouped by target, in order:\n"
            << parallel.out;
    }
    for (const auto& name : names) {
        EXPECT_THAT(parallel.out, HasSubstr(name + " read back its file\n"));
        EXPECT_EQ(read_file("own-" + name + ".txt"), name + "\n");
    }

    // The reports: the same documents but for times, in config order.
    EXPECT_EQ(without_timings("j2.xml"), without_timings("j1.xml"));
    EXPECT_EQ(without_timings("j2.tap"), without_timings("j1.tap"));
    const auto junit = report_testing::read_junit(m_project / "j2.xml");
    ASSERT_EQ(junit["suites"].size(), 4u);
    for (std::size_t i = 0; i < names.size(); ++i) {
        EXPECT_EQ(junit["suites"][i]["name"], names[i]);
    }
    const auto tap = report_testing::read_tap(m_project / "j2.tap");
    EXPECT_EQ(tap["plan"], "1..4");
    EXPECT_EQ(tap["tests"][3]["description"], "- delta");
}

TEST_F(ParallelRuns, TargetsTooBigToRunSideBySideWaitForEachOtherAndComplete) {
    // Each fits the host's available memory alone, both together do not:
    // the second waits for the first instead of oversubscribing memory.
    const std::uint64_t available = mem_available_mib();
    ASSERT_GT(available, 2048u) << "this host cannot hold even one such guest";
    const std::string big = std::to_string(available * 6 / 10) + "M";
    write_file("vmtest.toml", target("first", big) + target("second", big));
    const auto result = vmtest({"-j2", "-v"});
    ASSERT_EQ(result.status, 0) << describe(result);
    EXPECT_THAT(result.err, HasSubstr("target second waits for memory")) << result.err;
    const auto first_ends = result.err.find("target first ended");
    const auto second_starts = result.err.find("target second starts");
    ASSERT_NE(first_ends, std::string::npos) << result.err;
    EXPECT_LT(first_ends, second_starts) << "one after the other:\n" << result.err;
    EXPECT_THAT(result.out, HasSubstr("second read back its file\n"));
}

TEST_F(ParallelRuns, CtrlCStopsEveryRunningVmAndReportsTheRestNotRun) {
    // `jobs` from the file this time. Both running targets mark the project
    // directory once their command runs: their output is held until they end.
    std::string config = "jobs = 2\nreporters = [\"junit=ctrl-c.xml\"]\n";
    for (const std::string name : {"one", "two"}) {
        config += "[[target]]\nname = \"" + name +
                  "\"\nkernel = \"kernel\"\ncommand = \"touch running-" + name +
                  "; echo " + name + " waiting; sleep 600\"\n[target.vm]\nmemory = \"512M\"\n";
    }
    config += "[[target]]\nname = \"three\"\nkernel = \"kernel\"\ncommand = \"true\"\n";
    write_file("vmtest.toml", config);
    VmtestProcess process(options({}));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(240);
    while (!(std::filesystem::exists(m_project / "running-one") &&
             std::filesystem::exists(m_project / "running-two"))) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline)
            << "both commands never ran\n" << process.out() << process.err();
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    EXPECT_EQ(qemu_processes_mentioning(m_root.string()).size(), 2u) << "two VMs at once";
    process.send_signal(SIGINT);
    EXPECT_EQ(process.wait(std::chrono::seconds(30)), 130) << process.out() << process.err();
    EXPECT_TRUE(test_support::processes_mentioning(m_root.string()).empty())
        << "a VM or helper survived Ctrl-C";

    const auto junit = report_testing::read_junit(m_project / "ctrl-c.xml");
    ASSERT_EQ(junit["suites"].size(), 3u);
    EXPECT_EQ(junit["suites"][0]["cases"][0]["type"], "interrupted");
    EXPECT_EQ(junit["suites"][0]["cases"][0]["system_out"], "one waiting\n");
    EXPECT_EQ(junit["suites"][1]["cases"][0]["type"], "interrupted");
    EXPECT_EQ(junit["suites"][2]["cases"][0]["type"], "not_run");
    // Both interrupted targets' blocks are on the console, whole, in order.
    const auto one = process.out().find("=> one\n");
    const auto two = process.out().find("=> two\n");
    ASSERT_NE(one, std::string::npos) << process.out();
    EXPECT_LT(one, process.out().find("one waiting\n"));
    EXPECT_LT(process.out().find("one waiting\n"), two);
    EXPECT_LT(two, process.out().find("two waiting\n"));
}

TEST_F(ParallelRuns, BadJobCountsAreRefusedInOneLineBeforeAnythingStarts) {
    write_file("vmtest.toml", target("only"));
    // (`-j lots` would be -j alone and a command word.)
    for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
             {"-j", "0"}, {"-j", "-3"}, {"--jobs=lots"}, {"-j100000"}}) {
        const auto result = vmtest(bad);
        EXPECT_EQ(result.status, 2) << describe(result);
        EXPECT_THAT(result.err, StartsWith("vmtest: --jobs: expected a number of targets from 1 "
                                           "to 256"))
            << describe(result);
    }
    write_file("vmtest.toml", "\njobs = 0\n" + target("only"));
    const auto result = vmtest({});
    EXPECT_EQ(result.status, 2) << describe(result);
    EXPECT_EQ(result.err,
              "vmtest.toml:2:1: field 'jobs' must be an integer from 1 to 256, got 0\n");
    EXPECT_TRUE(result.out.empty()) << result.out;
}

}  // namespace
}  // namespace vmtest::e2e
