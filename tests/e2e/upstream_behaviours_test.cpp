// End-to-end: what danobi/vmtest's own tests (tests/test.rs, and the unit
// tests of its src/main.rs) check, tried as a user switching over would:
// the real vmtest binary, a vmtest.toml or a one-liner, the host's kernel.
// One test per behaviour, named after it; the upstream test each one ports
// is named above it. Where vmtest deliberately differs, the test asserts
// vmtest's behaviour and README's "Differences from danobi/vmtest" says
// why. Image targets (upstream's test_run, test_not_uefi, ...) are in
// image_targets_test.cpp.
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <gmock/gmock.h>

#include "e2e_fixture.hpp"

extern char** environ;

namespace vmtest::e2e {
namespace {

using ::testing::HasSubstr;

// Lines of `text` that start with `start` (vmtest's PASS and FAILED lines).
int count_lines(const std::string& text, const std::string& start) {
    std::istringstream lines(text);
    int count = 0;
    for (std::string line; std::getline(lines, line);) {
        count += line.rfind(start, 0) == 0;
    }
    return count;
}

class UpstreamBehaviours : public E2E {
  protected:
    // A [[target]] booting the host's kernel. The command goes in a TOML
    // literal string ('''...'''), which upstream keeps verbatim: no escaping.
    std::string kernel_target(const std::string& name, const std::string& command,
                              const std::string& more = "") const {
        return "[[target]]\nname = \"" + name + "\"\nkernel = \"" + m_kernel.string() +
               "\"\ncommand = '''" + command + "'''\n" + more + "\n";
    }

    void write_config(const std::string& text) const { write_file("vmtest.toml", text); }

    // Where upstream's tests have the guest write: /mnt/vmtest/result.
    std::string result_file() const { return read_file("result"); }
};

// --- Exit status ---------------------------------------------------------

// test_run: a matrix whose targets all pass.
TEST_F(UpstreamBehaviours, MatrixOfPassingTargetsExitsZero) {
    write_config(kernel_target("first", "true") + kernel_target("second", "true"));
    const auto result = vmtest({});
    EXPECT_EQ(result.status, 0) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("=> first\n"));
    EXPECT_THAT(result.out, HasSubstr("=> second\n"));
    EXPECT_EQ(count_lines(result.out, "PASS"), 2) << describe(result);
}

// test_run_multiple_return_number_failures: several targets exit with how
// many failed, not with a command's status.
TEST_F(UpstreamBehaviours, SeveralTargetsExitWithTheNumberOfFailures) {
    write_config(kernel_target("fails", "exit 1") + kernel_target("fails too", "exit 1") +
                 kernel_target("passes", "true"));
    const auto result = vmtest({});
    EXPECT_EQ(result.status, 2) << describe(result);
    EXPECT_EQ(count_lines(result.out, "FAILED"), 2) << describe(result);
    EXPECT_EQ(count_lines(result.out, "PASS"), 1) << describe(result);
}

// test_run_single_return_number_return_code: one target exits with its
// command's status.
TEST_F(UpstreamBehaviours, SingleTargetExitsWithItsCommandsStatus) {
    write_config(kernel_target("exits 12", "exit 12"));
    const auto result = vmtest({});
    EXPECT_EQ(result.status, 12) << describe(result);
}

// test_vmtest_infra_error: a VM that cannot run is 69 (EX_UNAVAILABLE),
// whatever the command would have returned. Upstream gives a file that is
// no image; here the kernel target's version of it.
TEST_F(UpstreamBehaviours, NotAnActualKernelIsAnInfrastructureError) {
    write_file("not_an_actual_kernel", "this is no kernel\n");
    write_config("[[target]]\nname = \"not an actual kernel\"\nkernel = \"not_an_actual_kernel\"\n"
                 "command = \"exit 12\"\n");
    const auto result = vmtest({});
    EXPECT_EQ(result.status, 69) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("FAILED ("));
}

// test_qemu_error_shown: a kernel that does not exist is reported, not
// just a failure. Upstream shows QEMU's "could not open kernel file";
// vmtest checks the kernel before starting QEMU and names it itself (QEMU's
// own errors are shown too: QemuFailingToStartShowsQemusOwnError).
TEST_F(UpstreamBehaviours, MissingKernelIsShownAndIsAnInfrastructureError) {
    const auto missing = m_project / "doesn't exist";
    const auto result = vmtest({"-k", missing.string(), "true"});
    EXPECT_EQ(result.status, 69) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("kernel " + missing.string() + " does not exist"));
}

// --- How the command runs ------------------------------------------------

// test_command_runs_in_shell: the command is a bash script, and bash's $0
// is "bash".
TEST_F(UpstreamBehaviours, CommandRunsInBash) {
    write_config(kernel_target("command is run in shell",
                               "if true; then echo -n $0 > /mnt/vmtest/result; fi"));
    const auto result = vmtest({});
    EXPECT_EQ(result.status, 0) << describe(result);
    EXPECT_EQ(result_file(), "bash");
}

// test_command_process_substitution: <(...) works (it needs /dev/fd), and
// $0 is "bash" there too.
TEST_F(UpstreamBehaviours, CommandCanRunProcessSubstitution) {
    write_config(kernel_target("command can run process substitution",
                               "cat <(echo -n $0) > /mnt/vmtest/result"));
    const auto result = vmtest({});
    EXPECT_EQ(result.status, 0) << describe(result);
    EXPECT_EQ(result_file(), "bash");
}

// test_kernel_target_env_var_propagation: the host's environment reaches
// the command of a kernel target.
TEST_F(UpstreamBehaviours, HostEnvironmentIsPropagatedIntoTheGuest) {
    write_config(kernel_target("host env vars are propagated into guest",
                               "echo -n $TEST_ENV_VAR > /mnt/vmtest/result"));
    auto opts = options({});
    opts.env["TEST_ENV_VAR"] = "test value";
    const auto result = run_vmtest(opts);
    EXPECT_EQ(result.status, 0) << describe(result);
    EXPECT_EQ(result_file(), "test value");
}

// test_kernel_target_cwd_preserved: the command runs in the directory of
// vmtest.toml, wherever vmtest was started, so relative paths in it work.
// Upstream cds to that directory's host path; vmtest runs in /mnt/vmtest,
// the same directory shared (a documented difference).
TEST_F(UpstreamBehaviours, CommandRunsInTheConfigFilesDirectory) {
    const auto fixtures = m_project / "fixtures";
    std::filesystem::create_directories(fixtures);
    std::ofstream(fixtures / "text_file.txt") << "This is a text file!\n";
    std::ofstream(fixtures / "vmtest.toml")
        << kernel_target("host cwd preserved in guest", "cat text_file.txt; pwd");
    // Started from elsewhere, with the file's absolute path, as upstream's test.
    const auto result = vmtest({"-c", (fixtures / "vmtest.toml").string()});
    EXPECT_EQ(result.status, 0) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("This is a text file!\n"));
    EXPECT_THAT(result.out, HasSubstr("\n/mnt/vmtest\n"));
}

// test_kernel_ro_flag: kernel_args = "ro" keeps the guest from writing to
// the host's root. Upstream's root is read-write without it; vmtest's is
// read-only to the host anyway (writes go to guest RAM), and "ro" makes
// the guest's writes fail as upstream's do. /mnt/vmtest stays writable.
TEST_F(UpstreamBehaviours, KernelArgumentRoMakesTheRootReadOnly) {
    // On the root itself: the guest mounts its own /tmp, where m_root is.
    const std::filesystem::path touch_dir = "/var/tmp";
    const auto probe = touch_dir / ("vmtest-ro-" + m_root.filename().string());
    write_config(kernel_target("cannot touch host rootfs with ro",
                               "touch " + probe.string() +
                                   " || echo touch-failed; "
                                   "echo shared > /mnt/vmtest/result; exit 3",
                               "kernel_args = \"ro\""));
    const auto result = vmtest({});
    std::filesystem::remove(probe);
    EXPECT_EQ(result.status, 3) << describe(result);
    EXPECT_THAT(result.err, HasSubstr("Read-only file system"));
    EXPECT_THAT(result.out, HasSubstr("touch-failed"));
    EXPECT_EQ(result_file(), "shared\n");
}

// --- VM resources and mounts ---------------------------------------------

// test_run_custom_resources, "Custom number of CPUs".
TEST_F(UpstreamBehaviours, CustomNumberOfCpus) {
    write_config(kernel_target("Custom number of CPUs",
                               R"cmd(bash -xc "[[ "$(nproc)" == "1" ]]")cmd",
                               "[target.vm]\nnum_cpus = 1"));
    const auto result = vmtest({});
    EXPECT_EQ(result.status, 0) << describe(result);
}

// test_run_custom_resources, "Custom amount of RAM": 256M of RAM shows as
// some 200 thousand kB of MemTotal.
TEST_F(UpstreamBehaviours, CustomAmountOfRam) {
    write_config(
        kernel_target("Custom amount of RAM",
                      R"(bash -xc "cat /proc/meminfo | grep -E 'MemTotal: +2[0-9]{5} kB'")",
                      "[target.vm]\nmemory = \"256M\""));
    const auto result = vmtest({});
    EXPECT_EQ(result.status, 0) << describe(result);
}

// test_run_custom_mounts, "mount": a writable mount shows the host
// directory, and what the guest writes there is on the host.
TEST_F(UpstreamBehaviours, CustomMountIsWritable) {
    const auto host_dir = m_root / "mounted";
    std::filesystem::create_directories(host_dir);
    std::ofstream(host_dir / "README.md") << "readme\n";
    write_config(kernel_target(
        "mount", R"(bash -xc "[[ -e /tmp/mount/README.md ]]" && echo hi > /tmp/mount/hi)",
        "[target.vm.mounts]\n\"/tmp/mount\" = { host_path = \"" + host_dir.string() +
            "\", writable = true }"));
    const auto result = vmtest({});
    EXPECT_EQ(result.status, 0) << describe(result);
    std::ifstream written(host_dir / "hi");
    EXPECT_TRUE(written.good()) << "the guest's write did not reach the host";
}

// test_run_custom_mounts, "RO mount": a mount without writable = true
// refuses writes (upstream's version of this check always passes; this
// one checks the write fails and leaves nothing on the host).
TEST_F(UpstreamBehaviours, CustomReadOnlyMountRefusesWrites) {
    const auto host_dir = m_root / "mounted";
    std::filesystem::create_directories(host_dir);
    std::ofstream(host_dir / "README.md") << "readme\n";
    write_config(kernel_target("RO mount", "cat /tmp/ro/README.md; touch /tmp/ro/hi",
                               "[target.vm.mounts]\n\"/tmp/ro\" = { host_path = \"" +
                                   host_dir.string() + "\", writable = false }"));
    const auto result = vmtest({});
    EXPECT_EQ(result.status, 1) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("readme\n"));
    EXPECT_THAT(result.err, HasSubstr("Read-only file system"));
    EXPECT_FALSE(std::filesystem::exists(host_dir / "hi"));
}

// docs/config.md: kernel, rootfs, image, bios and mounts' host_path, when
// relative, are relative to vmtest.toml, not to where vmtest runs.
TEST_F(UpstreamBehaviours, RelativePathsAreRelativeToTheConfigFile) {
    const auto config_dir = m_project / "ci";
    std::filesystem::create_directories(config_dir / "data");
    std::filesystem::create_symlink(m_kernel, config_dir / "bzImage");
    std::ofstream(config_dir / "data/file") << "relative data\n";
    std::ofstream(config_dir / "vmtest.toml")
        << "[[target]]\nname = \"relative\"\nkernel = \"bzImage\"\ncommand = \"cat /data/file\"\n"
           "[target.vm.mounts]\n\"/data\" = { host_path = \"data\" }\n";
    const auto result = vmtest({"-c", "ci/vmtest.toml"});
    EXPECT_EQ(result.status, 0) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("relative data\n"));
}

// --- The one-liner -------------------------------------------------------

// README's one-liner, with --kargs: the extra kernel arguments reach the
// guest kernel's command line.
TEST_F(UpstreamBehaviours, OneLinerKargsReachTheKernel) {
    const auto result =
        vmtest({"-k", m_kernel.string(), "--kargs", "vmtest_probe=42", "cat /proc/cmdline"});
    EXPECT_EQ(result.status, 0) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("vmtest_probe=42"));
}

// A pseudo-terminal driven as rexpect drives upstream's: wait for a
// pattern in what the terminal shows, type a line.
class Terminal {
  public:
    Terminal(const std::vector<std::string>& args, const std::filesystem::path& cwd,
             const std::map<std::string, std::string>& env) {
        std::vector<std::string> env_strings;
        for (char** e = environ; *e; ++e) {
            const std::string entry = *e;
            if (!env.count(entry.substr(0, entry.find('=')))) {
                env_strings.push_back(entry);
            }
        }
        for (const auto& [name, value] : env) {
            env_strings.push_back(name + "=" + value);
        }
        std::vector<char*> envp, argv;
        for (auto& e : env_strings) {
            envp.push_back(e.data());
        }
        envp.push_back(nullptr);
        std::vector<std::string> words{VMTEST_BINARY};
        words.insert(words.end(), args.begin(), args.end());
        for (auto& w : words) {
            argv.push_back(w.data());
        }
        argv.push_back(nullptr);
        m_pid = forkpty(&m_master, nullptr, nullptr, nullptr);
        if (m_pid == 0) {
            if (chdir(cwd.c_str()) != 0) {
                _exit(126);
            }
            execve(argv[0], argv.data(), envp.data());
            _exit(127);
        }
    }
    ~Terminal() {
        if (m_pid > 0 && !m_reaped) {
            kill(m_pid, SIGKILL);
            waitpid(m_pid, nullptr, 0);
        }
        if (m_master >= 0) {
            close(m_master);
        }
    }

    // Reads until `text` appears after what an earlier expect() consumed.
    bool expect(const std::string& text, std::chrono::seconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (m_screen.find(text, m_consumed) == std::string::npos) {
            if (std::chrono::steady_clock::now() > deadline || !read_some(deadline)) {
                return false;
            }
        }
        m_consumed = m_screen.find(text, m_consumed) + text.size();
        return true;
    }
    void type(const std::string& line) {
        const std::string text = line + "\n";
        EXPECT_EQ(write(m_master, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    }
    // Reads until the terminal closes (vmtest and its children are gone),
    // then returns vmtest's exit status.
    int wait_for_eof(std::chrono::seconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (read_some(deadline)) {
        }
        int status = 0;
        if (std::chrono::steady_clock::now() > deadline) {
            kill(m_pid, SIGKILL);
        }
        waitpid(m_pid, &status, 0);
        m_reaped = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    const std::string& screen() const { return m_screen; }

  private:
    bool read_some(std::chrono::steady_clock::time_point deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return false;
        }
        pollfd fd{m_master, POLLIN, 0};
        if (poll(&fd, 1, static_cast<int>(left.count())) <= 0) {
            return false;
        }
        char buffer[4096];
        const ssize_t n = read(m_master, buffer, sizeof buffer);
        if (n <= 0) {
            return false;  // EIO: the last process holding the terminal is gone
        }
        m_screen.append(buffer, static_cast<std::size_t>(n));
        return true;
    }

    pid_t m_pid = -1;
    int m_master = -1;
    bool m_reaped = false;
    std::string m_screen;
    std::size_t m_consumed = 0;
};

// test_interactive_shell: `-` as the command gives a root shell prompt on
// the guest; what is typed there runs in the guest, `exit` ends vmtest.
TEST_F(UpstreamBehaviours, DashAsTheCommandGivesAnInteractiveShell) {
    auto opts = options({"--kernel", m_kernel.string(), "-"});
    // The login shell reads $HOME's startup files, which are the host's: a
    // developer's ~/.bashrc (pyenv, nvm) can take a minute under emulation.
    opts.env["HOME"] = m_project.string();
    Terminal terminal(opts.args, opts.cwd, opts.env);
    ASSERT_TRUE(terminal.expect("root@", std::chrono::seconds(240))) << terminal.screen();
    ASSERT_TRUE(terminal.expect("#", std::chrono::seconds(10))) << terminal.screen();
    terminal.type("echo \"hello world\" > /mnt/vmtest/result");
    ASSERT_TRUE(terminal.expect("root@", std::chrono::seconds(60))) << terminal.screen();
    terminal.type("exit");
    EXPECT_EQ(terminal.wait_for_eof(std::chrono::seconds(120)), 0) << terminal.screen();
    EXPECT_EQ(result_file(), "hello world\n");
}

// --- Choosing targets (no boot: --list shows what a run would run) -------

// src/main.rs test_config_no_filter; also: vmtest.toml is read from the
// current directory when -c is not given.
TEST_F(UpstreamBehaviours, WithoutFilterEveryTargetOfTheConfigRuns) {
    write_config(kernel_target("test1", "echo test1") + kernel_target("test2", "echo test2"));
    const auto result = vmtest({"--list"});
    EXPECT_EQ(result.status, 0) << describe(result);
    EXPECT_EQ(result.out, "test1\ntest2\n");
}

// src/main.rs test_config_filter_match_all: the filter is a regex searched
// for anywhere in the name, not matched against all of it.
TEST_F(UpstreamBehaviours, FilterMatchingEveryNameSelectsEveryTarget) {
    write_config(kernel_target("test1", "echo test1") + kernel_target("test2", "echo test2"));
    const auto result = vmtest({"-f", "test", "--list"});
    EXPECT_EQ(result.status, 0) << describe(result);
    EXPECT_EQ(result.out, "test1\ntest2\n");
}

// src/main.rs test_config_filter_match_last.
TEST_F(UpstreamBehaviours, FilterMatchingOneNameSelectsOnlyThatTarget) {
    write_config(kernel_target("test1", "echo test1") + kernel_target("test2", "echo test2"));
    const auto result = vmtest({"-c", "vmtest.toml", "-f", "test2", "--list"});
    EXPECT_EQ(result.status, 0) << describe(result);
    EXPECT_EQ(result.out, "test2\n");
}

// src/main.rs test_config_with_kernel_ignore_filter: with -k the filter
// does not apply, and the one target is named after the kernel's file.
TEST_F(UpstreamBehaviours, OneLinerIgnoresTheFilterAndIsNamedAfterTheKernelFile) {
    std::filesystem::create_symlink(m_kernel, m_project / "mykernel");
    const auto result = vmtest({"-k", "mykernel", "-f", "test2", "--list", "command to run"});
    EXPECT_EQ(result.status, 0) << describe(result);
    EXPECT_EQ(result.out, "mykernel\n");
}

// A filter matching no target: upstream runs nothing and exits 0; vmtest
// refuses it (exit 2), since it is almost always a typo that would make CI
// green while testing nothing (a documented difference).
TEST_F(UpstreamBehaviours, FilterMatchingNoTargetIsRefused) {
    write_config(kernel_target("test1", "true"));
    const auto result = vmtest({"-f", "tset"});
    EXPECT_EQ(result.status, 2) << describe(result);
    EXPECT_THAT(result.err, HasSubstr("no target matches --filter 'tset'"));
}

// No vmtest.toml and no command: upstream fails ("Failed to read config
// file", exit 1); vmtest too, with exit 2 as for every bad input.
TEST_F(UpstreamBehaviours, MissingConfigFileIsAnError) {
    const auto result = vmtest({});
    EXPECT_EQ(result.status, 2) << describe(result);
    EXPECT_THAT(result.err, HasSubstr("vmtest.toml: cannot read: No such file or directory"));
}

// clap's -V and --version.
TEST_F(UpstreamBehaviours, DashCapitalVPrintsTheVersion) {
    const auto short_form = vmtest({"-V"});
    EXPECT_EQ(short_form.status, 0) << describe(short_form);
    EXPECT_THAT(short_form.out, ::testing::StartsWith("vmtest "));
    EXPECT_EQ(short_form.out, vmtest({"--version"}).out);
}

}  // namespace
}  // namespace vmtest::e2e
