// End-to-end: the shares. Each of 9p and virtiofs serves the guest's root,
// the project at /mnt/vmtest and vm.mounts (read-only and read-write) in one
// boot that also checks read-only is enforced on the host side and that host
// changes are seen on the guest's next open. virtiofs alone has helper
// processes, so its tests also check that no virtiofsd is left after
// success, a failing command, a failing daemon, a timeout and Ctrl-C, and
// that a daemon that starts slowly still serves. A small rootfs built here
// (busybox + the host's qemu-ga) boots on both shares.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

#include <gmock/gmock.h>

#include "e2e_fixture.hpp"

namespace vmtest::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string slurp(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Command lines of the processes vmtest started for this test (QEMU,
// virtiofsd and the child virtiofsd forks into its sandbox), still running.
// They inherit vmtest's environment, whose XDG_RUNTIME_DIR is the test's
// own: the one sure sign, since a virtiofsd serving "/" names no test path.
std::vector<std::string> processes_started_for(const std::filesystem::path& runtime) {
    const std::string needle = "XDG_RUNTIME_DIR=" + runtime.string() + '\0';
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const auto name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos ||
            std::stoi(name) == getpid()) {
            continue;
        }
        if (slurp(entry.path() / "environ").find(needle) == std::string::npos) {
            continue;
        }
        auto cmdline = slurp(entry.path() / "cmdline");
        std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
        if (!cmdline.empty()) {  // zombies have none; they hold nothing
            found.push_back(name + ": " + cmdline);
        }
    }
    return found;
}

// Empty once nothing vmtest started is left. A daemon's sandboxed child may
// take a moment to follow its parent, so this waits up to two seconds.
std::string leftover_processes(const std::filesystem::path& runtime) {
    std::vector<std::string> left;
    for (int i = 0; i < 20; ++i) {
        left = processes_started_for(runtime);
        if (left.empty()) {
            return "";
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::string text;
    for (const auto& process : left) {
        text += process + "\n";
    }
    return text;
}

void write_text(const std::filesystem::path& file, const std::string& text) {
    std::ofstream(file, std::ios::binary) << text;
}

// A root filesystem as small as one gets: static busybox for /bin/sh and a
// few tools, and (`with_agent`) the host's qemu-ga with the libraries and
// loader ldd names. No bash, so vmtest runs the command with /bin/sh.
void build_rootfs(const std::filesystem::path& root, bool with_agent) {
    std::filesystem::create_directories(root / "bin");
    std::filesystem::create_directories(root / "etc");
    std::filesystem::copy_file("/bin/busybox", root / "bin/busybox");
    for (const char* applet : {"sh", "cat", "ls", "echo", "mount", "touch", "sleep", "test"}) {
        std::filesystem::create_symlink("busybox", root / "bin" / applet);
    }
    write_text(root / "etc/rootfs-marker", "tiny-rootfs\n");
    if (!with_agent) {
        return;
    }
    const std::filesystem::path agent = "/usr/sbin/qemu-ga";
    std::vector<std::filesystem::path> files{agent};
    FILE* ldd = popen(("ldd " + agent.string()).c_str(), "r");
    ASSERT_NE(ldd, nullptr);
    char line[512];
    while (fgets(line, sizeof line, ldd)) {
        // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or
        // "/lib64/ld-linux-x86-64.so.2 (0x...)"
        std::istringstream words(line);
        for (std::string word; words >> word;) {
            if (word.front() == '/') {
                files.emplace_back(word);
                break;
            }
        }
    }
    pclose(ldd);
    ASSERT_GE(files.size(), 3u) << "ldd found no libraries for " << agent;
    for (const auto& file : files) {
        const auto target = root / file.relative_path();
        std::filesystem::create_directories(target.parent_path());
        std::filesystem::copy_file(std::filesystem::canonical(file), target);
    }
}

struct ShareCase {
    std::string share;
    std::string driver;      // the guest's virtio driver, under /sys/bus/virtio/drivers
    std::string mount_root;  // the guest's command to mount the root's tag at /tmp/root2
};

void PrintTo(const ShareCase& c, std::ostream* os) { *os << c.share; }

std::string share_name(const ::testing::TestParamInfo<ShareCase>& info) {
    return info.param.share == "9p" ? "NineP" : "Virtiofs";
}

class ShareE2E : public E2E, public ::testing::WithParamInterface<ShareCase> {};

// The guest's half of the main test: prints one `key=value` line per check.
// The host changes files once it sees "ready-for-host-changes", then creates
// rw/go; the guest then opens each file once more. Until then it keeps
// reading them, so that a cache that trusts itself for a while (cache=auto's
// default second in virtiofsd) would still hold the old version. It looks for
// "go" by listing another mount: directory listings are never cached, and
// looking up "go" would itself be cached just as long as the files are.
std::string guest_script(const ShareCase& c, const std::string& host_probe) {
    return R"SH(set -u
echo "devices=$(ls /sys/bus/virtio/drivers/)SH" + c.driver + R"SH( | grep -c '^virtio')"
test -s /etc/os-release && echo root-read=ok
mkdir -p /tmp/root2
if )SH" + c.mount_root + R"SH( 2>/dev/null; then
  mount -o remount,rw /tmp/root2 2>/dev/null
  touch /tmp/root2)SH" + host_probe + R"SH( 2>/dev/null && w=allowed || w=refused
  echo root-write=$w
else
  echo root-write=refused
fi
echo "ro-read=$(cat /data-ro/file)"
(echo x > /data-ro/new) 2>/dev/null && echo ro-write=allowed || echo ro-write=refused
mount -o remount,rw /data-ro && echo ro-remounted=rw
(echo x > /data-ro/new) 2>/dev/null && w=allowed || w=refused
echo ro-write-after-remount=$w
echo from-guest > /data-rw/from-guest && echo rw-write=ok
head -c 1048576 /dev/urandom > big.bin && sha256sum big.bin | cut -c1-64 > big.sha
cat edit.txt grow.txt replace.txt /data-ro/file > /dev/null
echo ready-for-host-changes
i=0
while ! ls /data-rw | grep -qx go && [ $i -lt 600 ]; do
  cat edit.txt grow.txt replace.txt /data-ro/file > /dev/null  # keep them in the guest's caches
  sleep 0.1; i=$((i+1))
done
e=$(cat edit.txt) g=$(cat grow.txt) r=$(cat replace.txt) o=$(cat /data-ro/file)
echo "after: edit=$e grow=$g replace=$r ro=$o"
)SH";
}

TEST_P(ShareE2E, ServesRootProjectAndMountsEnforcesReadOnlyOnTheHostAndShowsHostChanges) {
    const auto& c = GetParam();
    const std::string host_probe = "/etc/vmtest-e2e-" + m_root.filename().string();
    std::filesystem::create_directories(m_project / "ro");
    std::filesystem::create_directories(m_project / "rw");
    write_text(m_project / "ro/file", "ro-v1");
    write_text(m_project / "edit.txt", "v1");
    write_text(m_project / "grow.txt", "v1");
    write_text(m_project / "replace.txt", "v1");
    write_text(m_project / "run.sh", guest_script(c, host_probe));
    write_file("vmtest.toml", "[[target]]\nname = \"shares\"\nkernel = \"" + m_kernel.string() +
                                  "\"\nshare = \"" + c.share + "\"\ncommand = \"bash run.sh\"\n"
                                  "[target.vm]\nmounts = { \"/data-ro\" = { host_path = \"ro\" }, "
                                  "\"/data-rw\" = { host_path = \"rw\", writable = true } }\n");

    VmtestProcess process(options({}));
    const bool ready = process.wait_for_output(
        [](const std::string& out, const std::string&) {
            return out.find("ready-for-host-changes\n") != std::string::npos;
        },
        std::chrono::seconds(180));
    // Changed while the guest has them cached: in place (same size), grown,
    // and replaced by rename (a new inode, as editors save).
    write_text(m_project / "edit.txt", "v2");
    write_text(m_project / "grow.txt", "v2-and-longer");
    write_text(m_project / "replace.tmp", "v2-replaced");
    std::filesystem::rename(m_project / "replace.tmp", m_project / "replace.txt");
    write_text(m_project / "ro/file", "ro-v2");
    write_text(m_project / "rw/go", "");
    const int status = process.wait(std::chrono::seconds(120));
    const std::string out = process.out();
    ASSERT_TRUE(ready) << out << process.err();

    EXPECT_EQ(status, 0) << out << process.err();
    EXPECT_THAT(out, HasSubstr("devices=4\n")) << "root, project and both mounts on " << c.driver;
    EXPECT_THAT(out, HasSubstr("root-read=ok\n"));
    EXPECT_THAT(out, HasSubstr("root-write=refused\n"));
    EXPECT_FALSE(std::filesystem::exists(host_probe)) << "the guest wrote to the host's root";
    std::filesystem::remove(host_probe);
    EXPECT_THAT(out, HasSubstr("ro-read=ro-v1\n"));
    EXPECT_THAT(out, HasSubstr("ro-write=refused\n"));
    EXPECT_THAT(out, HasSubstr("ro-remounted=rw\n")) << "the guest may flip its mount flag...";
    EXPECT_THAT(out, HasSubstr("ro-write-after-remount=refused\n")) << "...but the host refuses";
    EXPECT_FALSE(std::filesystem::exists(m_project / "ro/new"));
    EXPECT_THAT(out, HasSubstr("rw-write=ok\n"));
    EXPECT_EQ(read_file("rw/from-guest"), "from-guest\n");
    EXPECT_THAT(out, HasSubstr("after: edit=v2 grow=v2-and-longer replace=v2-replaced ro=ro-v2\n"));

    // Everything the guest wrote is on the host when vmtest returns.
    const std::string guest_sum = read_file("big.sha");
    FILE* sum = popen(("sha256sum '" + (m_project / "big.bin").string() + "'").c_str(), "r");
    char host_sum[65] = {};
    ASSERT_EQ(fread(host_sum, 1, 64, sum), 64u);
    pclose(sum);
    EXPECT_EQ(guest_sum, std::string(host_sum) + "\n");
    EXPECT_EQ(std::filesystem::file_size(m_project / "big.bin"), 1048576u);
    EXPECT_EQ(leftover_processes(m_runtime), "");
}

TEST_P(ShareE2E, BootsACustomRootfsWithShAndRefusesOneWithoutAGuestAgent) {
    const auto& c = GetParam();
    build_rootfs(m_root / "rootfs", true);
    const auto result = vmtest({"-r", (m_root / "rootfs").string(), "--share", c.share, "-k",
                                m_kernel.string(),
                                "cat /etc/rootfs-marker; test -e /bin/bash || echo no-bash; "
                                "echo \"shell=$0\"; echo from-rootfs > out.txt"});
    EXPECT_EQ(result.status, 0) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("tiny-rootfs\n"));
    EXPECT_THAT(result.out, HasSubstr("no-bash\n"));
    EXPECT_THAT(result.out, HasSubstr("shell=sh\n")) << "$0 is the shell's name, as bash's is bash";
    EXPECT_EQ(read_file("out.txt"), "from-rootfs\n");
    EXPECT_FALSE(std::filesystem::exists(m_root / "rootfs/out.txt"));

    build_rootfs(m_root / "no-agent", false);
    const auto refused = vmtest({"-r", (m_root / "no-agent").string(), "--share", c.share, "-k",
                                 m_kernel.string(), "true"});
    EXPECT_EQ(refused.status, 69) << describe(refused);
    EXPECT_THAT(refused.out, HasSubstr("no guest agent in the guest's root " +
                                       (m_root / "no-agent").string() +
                                       " (looked for /usr/sbin/qemu-ga"));
    EXPECT_LT(refused.seconds, 20);
    EXPECT_EQ(leftover_processes(m_runtime), "");
}

INSTANTIATE_TEST_SUITE_P(
    Shares, ShareE2E,
    ::testing::Values(
        ShareCase{"9p", "9pnet_virtio",
                  "mount -t 9p -o trans=virtio,version=9p2000.L vmtest_root /tmp/root2"},
        ShareCase{"virtiofs", "virtiofs", "mount -t virtiofs vmtest_root /tmp/root2"}),
    share_name);

// virtiofs only: its helper processes.
class VirtiofsE2E : public E2E {
  protected:
    // A stand-in for virtiofsd, named by VMTEST_VIRTIOFSD: answers --help as
    // QEMU's daemon does, then runs `body`.
    std::filesystem::path fake_virtiofsd(const std::string& body) const {
        const auto path = m_root / "fake-virtiofsd";
        write_text(path, "#!/bin/sh\nif [ \"$1\" = --help ]; then /usr/lib/qemu/virtiofsd --help; "
                         "exit; fi\n" + body + "\n");
        std::filesystem::permissions(path, std::filesystem::perms::owner_all);
        return path;
    }
};

TEST_F(VirtiofsE2E, SlowStartingDaemonStillServesAndNoneIsLeftAfterAFailingCommand) {
    // The socket listens before the daemon runs: QEMU waits for it however
    // long it takes to start.
    auto opts = options({"--share", "virtiofs", "-k", m_kernel.string(),
                         "cat /etc/hostname > /dev/null && echo served; exit 7"});
    opts.env["VMTEST_VIRTIOFSD"] =
        fake_virtiofsd("touch '" + (m_root / "slow-started").string() +
                       "'; sleep 3; exec /usr/lib/qemu/virtiofsd \"$@\"")
            .string();
    const auto result = run_vmtest(opts);
    EXPECT_EQ(result.status, 7) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("served\n"));
    EXPECT_TRUE(std::filesystem::exists(m_root / "slow-started"));
    EXPECT_EQ(leftover_processes(m_runtime), "");
}

TEST_F(VirtiofsE2E, DaemonFailingToStartFailsTheRunAtOnceWithItsMessage) {
    auto opts = options({"--share", "virtiofs", "-k", m_kernel.string(), "true"});
    opts.env["VMTEST_VIRTIOFSD"] =
        fake_virtiofsd("echo 'fake-virtiofsd: cannot serve this' >&2; exit 3").string();
    const auto result = run_vmtest(opts);
    EXPECT_EQ(result.status, 69) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("virtiofsd serving / exited with status 3: fake-virtiofsd: "
                                      "cannot serve this"))
        << describe(result);
    EXPECT_LT(result.seconds, 30) << "QEMU must not wait for a daemon that is gone";
    EXPECT_EQ(leftover_processes(m_runtime), "");
}

// The daemon vmtest started (its parent is vmtest) that serves `path`.
pid_t daemon_serving(pid_t vmtest, const std::filesystem::path& path) {
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const auto name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        std::istringstream stat(slurp(entry.path() / "stat"));
        std::string pid, comm, state;
        pid_t parent = 0;
        stat >> pid >> comm >> state >> parent;
        auto cmdline = slurp(entry.path() / "cmdline");
        std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
        if (parent == vmtest && cmdline.find("virtiofsd") != std::string::npos &&
            cmdline.find("source=" + path.string() + " ") != std::string::npos) {
            return std::stoi(name);
        }
    }
    return -1;
}

TEST_F(VirtiofsE2E, DaemonDyingMidRunFailsTheRunAtOnceNamingIt) {
    VmtestProcess process(
        options({"--share", "virtiofs", "-k", m_kernel.string(), "echo running; sleep 600"}));
    ASSERT_TRUE(process.wait_for_output(
        [](const std::string& out, const std::string&) {
            return out.find("running\n") != std::string::npos;
        },
        std::chrono::seconds(180)))
        << process.out() << process.err();
    const pid_t daemon = daemon_serving(process.pid(), m_project);
    ASSERT_GT(daemon, 0) << "no virtiofsd child of vmtest serves " << m_project;

    const auto killed = std::chrono::steady_clock::now();
    kill(daemon, SIGKILL);
    const int status = process.wait(std::chrono::seconds(60));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();

    EXPECT_EQ(status, 69) << process.out() << process.err();
    EXPECT_LT(seconds, 5.0) << "noticed only after " << seconds << " s";
    EXPECT_THAT(process.out(), HasSubstr("virtiofsd serving " + m_project.string() +
                                         " was killed by signal 9"))
        << process.out() << process.err();
    EXPECT_EQ(leftover_processes(m_runtime), "");
}

TEST_F(VirtiofsE2E, TimeoutLeavesNoDaemon) {
    write_file("vmtest.toml",
               "[[target]]\nname = \"slow\"\nkernel = \"" + m_kernel.string() +
                   "\"\nshare = \"virtiofs\"\ncommand = \"sleep 600\"\ntimeout = 2\n");
    const auto result = vmtest({});
    EXPECT_EQ(result.status, 124) << describe(result);
    EXPECT_EQ(leftover_processes(m_runtime), "");
}

TEST_F(VirtiofsE2E, CtrlCLeavesNoDaemon) {
    VmtestProcess process(
        options({"--share", "virtiofs", "-k", m_kernel.string(), "echo running; sleep 600"}));
    ASSERT_TRUE(process.wait_for_output(
        [](const std::string& out, const std::string&) {
            return out.find("running\n") != std::string::npos;
        },
        std::chrono::seconds(180)))
        << process.out() << process.err();
    EXPECT_FALSE(processes_started_for(m_runtime).empty()) << "the daemons run meanwhile";
    process.send_signal(SIGINT);
    EXPECT_EQ(process.wait(std::chrono::seconds(30)), 130) << process.out() << process.err();
    EXPECT_EQ(leftover_processes(m_runtime), "");
}

TEST_F(VirtiofsE2E, KernelWithVirtiofsBuiltInNeedsNoModules) {
    const char* kernel = std::getenv("VMTEST_E2E_BUILTIN_KERNEL");
    if (!kernel || !*kernel) {
        GTEST_SKIP() << "VMTEST_E2E_BUILTIN_KERNEL is not set (.ci/run builds one from "
                        "../shared/kernel)";
    }
    const auto result = vmtest({"--share", "virtiofs", "-k", kernel,
                                "grep ' /mnt/vmtest ' /proc/mounts; echo built-in > out.txt"});
    EXPECT_EQ(result.status, 0) << describe(result);
    EXPECT_THAT(result.out, HasSubstr("vmtest_project /mnt/vmtest virtiofs rw"));
    EXPECT_EQ(read_file("out.txt"), "built-in\n");
    EXPECT_EQ(leftover_processes(m_runtime), "");
}

}  // namespace
}  // namespace vmtest::e2e
