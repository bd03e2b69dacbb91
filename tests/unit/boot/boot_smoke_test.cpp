// Boots a real kernel in QEMU (TCG) with an initramfs from InitramfsBuilder
// and the host's / as a read-only 9p root, to prove the pieces fit: PVH
// extraction, module resolution, the cpio layout, and vmtest-init's whole
// sequence up to the control-port handshake and a clean power-off.

#include "boot/embedded_init.hpp"
#include "boot/initramfs_builder.hpp"
#include "boot/kernel_image.hpp"
#include "boot/module_resolver.hpp"
#include "config/target.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <random>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "util/file_descriptor.hpp"

namespace vmtest::boot {
namespace {

using util::FileDescriptor;

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr const char* k_qemu = "/usr/bin/qemu-system-x86_64";
constexpr const char* k_control_port = "org.vmtest.control";

// A QEMU child process that is always gone when this object is.
class Qemu {
public:
    Qemu(const std::vector<std::string>& args, const std::filesystem::path& output) {
        std::vector<char*> argv;
        for (const auto& arg : args) {
            argv.push_back(const_cast<char*>(arg.c_str()));
        }
        argv.push_back(nullptr);
        m_pid = ::fork();
        if (m_pid == 0) {
            int null = ::open("/dev/null", O_RDONLY);
            int out = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(null, 0);
            ::dup2(out, 1);
            ::dup2(out, 2);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
    }
    Qemu(const Qemu&) = delete;
    Qemu& operator=(const Qemu&) = delete;
    ~Qemu() {
        if (m_pid > 0 && !m_status) {
            ::kill(m_pid, SIGKILL);
            int status = 0;
            ::waitpid(m_pid, &status, 0);
        }
    }

    // The exit status if QEMU exited before the deadline.
    std::optional<int> wait(Clock::duration timeout) {
        auto deadline = Clock::now() + timeout;
        while (!m_status) {
            int status = 0;
            pid_t done = ::waitpid(m_pid, &status, WNOHANG);
            if (done == m_pid) {
                m_status = status;
                break;
            }
            if (Clock::now() >= deadline) {
                return std::nullopt;
            }
            std::this_thread::sleep_for(20ms);
        }
        return WIFEXITED(*m_status) ? WEXITSTATUS(*m_status) : 128 + WTERMSIG(*m_status);
    }

private:
    pid_t m_pid = -1;
    std::optional<int> m_status;
};

// Connects to QEMU's chardev socket, retrying while QEMU is starting.
int connect_control(const std::filesystem::path& socket_path, Clock::duration timeout) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, socket_path.c_str(), sizeof(address.sun_path) - 1);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
            return fd;
        }
        ::close(fd);
        std::this_thread::sleep_for(20ms);
    }
    return -1;
}

// Reads from `fd` until `wanted` has arrived; false on timeout or EOF.
bool read_until(int fd, std::string_view wanted, Clock::duration timeout, std::string& received) {
    auto deadline = Clock::now() + timeout;
    while (received.find(wanted) == std::string::npos) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            return false;
        }
        pollfd entry{fd, POLLIN, 0};
        if (::poll(&entry, 1, static_cast<int>(left.count())) <= 0) {
            continue;
        }
        char buffer[256];
        ssize_t n = ::read(fd, buffer, sizeof(buffer));
        if (n <= 0) {
            return false;
        }
        received.append(buffer, static_cast<std::size_t>(n));
    }
    return true;
}

bool wait_for_text(const std::filesystem::path& file, std::string_view text, Clock::duration timeout) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        if (test::read_text(file).find(text) != std::string::npos) {
            return true;
        }
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

std::string random_token() {
    std::random_device device;
    return std::to_string(device()) + std::to_string(device());
}

class BootSmoke : public ::testing::Test {
protected:
    void SetUp() override {
        if (::access(k_qemu, X_OK) != 0) {
            GTEST_SKIP() << k_qemu << " is not installed";
        }
        const auto installed = test::newest_installed_kernel();
        if (!installed) {
            GTEST_SKIP() << "no /boot/vmlinuz-* to boot";
        }
        const std::filesystem::path& kernel = installed->image;
        m_kernel = inspect(kernel);
        ASSERT_FALSE(m_kernel.release.empty()) << kernel;
        auto start = Clock::now();
        auto vmlinux = extract_pvh_vmlinux(m_kernel, m_dir.path() / "cache");
        std::printf("kernel %s (%s): PVH extraction %lld ms\n", kernel.c_str(), m_kernel.release.c_str(),
                    static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count()));
        m_boot_image = vmlinux ? *vmlinux : kernel;

        ModuleResolution resolution = resolve_modules(
            {"virtio_pci", "virtio_console", "9pnet_virtio", "9p", "overlay"},
            {"/lib/modules/" + m_kernel.release}, m_kernel.release);
        if (!resolution.modules_dir_found) {
            GTEST_SKIP() << "no /lib/modules/" << m_kernel.release << " for " << kernel;
        }
        m_modules = resolution.modules;
    }

    InitConfig base_config() const {
        InitConfig config;
        config.log_level = InitLogLevel::debug;
        config.hostname = "vmtest-smoke";
        config.modules = initramfs_module_paths(m_modules);
        config.root = InitRootMount{"9p", "vmtest_root", "trans=virtio,version=9p2000.L,msize=262144", true};
        config.agent_candidates = {"/nonexistent/qemu-ga", "/bin/sh"};
        config.control_port = k_control_port;
        return config;
    }

    std::filesystem::path build(const InitConfig& config) {
        auto out = m_dir.path() / "initramfs.cpio";
        InitramfsBuilder builder(embedded_init(config::k_default_arch));
        auto cold_start = Clock::now();
        builder.build(config, m_modules, m_dir.path() / "cache", out);
        auto cold = Clock::now() - cold_start;
        auto warm_start = Clock::now();
        builder.build(config, m_modules, m_dir.path() / "cache", out);
        auto warm = Clock::now() - warm_start;
        using us = std::chrono::microseconds;
        std::printf("initramfs build: cold %lld us, warm %lld us, %lld KiB\n",
                    static_cast<long long>(std::chrono::duration_cast<us>(cold).count()),
                    static_cast<long long>(std::chrono::duration_cast<us>(warm).count()),
                    static_cast<long long>(std::filesystem::file_size(out) >> 10));
        return out;
    }

    std::vector<std::string> qemu_args(const std::filesystem::path& initrd) const {
        return {k_qemu, "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-machine", "q35", "-accel", "tcg", "-m", "1G",
                "-kernel", m_boot_image.string(), "-initrd", initrd.string(),
                "-append", "console=ttyS0 panic=-1 quiet",
                "-serial", "file:" + console_log().string(),
                "-device", "virtio-serial-pci",
                "-chardev", "socket,id=ctl,path=" + control_socket().string() + ",server=on,wait=off",
                "-device", std::string("virtserialport,chardev=ctl,name=") + k_control_port,
                "-virtfs", "local,path=/,mount_tag=vmtest_root,security_model=none,readonly=on,"
                           "multidevs=remap,id=vmtest_root"};
    }

    std::filesystem::path console_log() const { return m_dir.path() / "console.log"; }
    std::filesystem::path control_socket() const { return m_dir.path() / "ctl.sock"; }

    test::TempDir m_dir;
    KernelImage m_kernel;
    std::filesystem::path m_boot_image;
    std::vector<std::filesystem::path> m_modules;
};

TEST_F(BootSmoke, BootsToReadyAndPowersOffCleanly) {
    // The "agent" writes into the guest's root (which must land in the RAM
    // overlay, not on the host) and then idles like qemu-ga would.
    std::filesystem::path root_probe = "/vmtest-smoke-" + random_token();
    InitConfig config = base_config();
    config.mounts = {{"tmpfs", "scratch", "/mnt/vmtest-smoke", "mode=0755", false}};
    config.binds = {{"/mnt/vmtest-smoke", "/srv/vmtest smoke project"}};
    config.agent_args = {"-c", "touch " + root_probe.string() +
                                   " && echo vmtest-smoke: root is writable;"
                                   " touch /mnt/vmtest-smoke/f && test -e '/srv/vmtest smoke project/f'"
                                   " && echo vmtest-smoke: bind mount works;"
                                   " test \"$(hostname)\" = vmtest-smoke && echo vmtest-smoke: hostname set;"
                                   " exec sleep 30"};
    auto initrd = build(config);

    auto start = Clock::now();
    Qemu qemu(qemu_args(initrd), m_dir.path() / "qemu.log");
    FileDescriptor control(connect_control(control_socket(), 10s));
    ASSERT_GE(control.get(), 0) << "cannot connect to " << control_socket() << "\n"
                                << test::read_text(m_dir.path() / "qemu.log");
    std::string received;
    bool ready = read_until(control.get(), "ready\n", 120s, received);
    double ready_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    ASSERT_TRUE(ready) << "no ready on the control port; console:\n" << test::read_text(console_log());
    std::printf("boot to ready: %.2f s (TCG, %s)\n", ready_seconds, m_boot_image.filename().c_str());
    RecordProperty("boot_to_ready_ms", static_cast<int>(ready_seconds * 1000));

    EXPECT_TRUE(wait_for_text(console_log(), "vmtest-smoke: hostname set", 30s))
        << test::read_text(console_log());
    std::string early_console = test::read_text(console_log());
    EXPECT_NE(early_console.find("vmtest-smoke: root is writable"), std::string::npos);
    EXPECT_NE(early_console.find("vmtest-smoke: bind mount works"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(root_probe)) << "the guest wrote to the host's root";

    ASSERT_EQ(::write(control.get(), "poweroff\n", 9), 9);
    auto status = qemu.wait(30s);
    std::string console = test::read_text(console_log());
    ASSERT_TRUE(status.has_value()) << "QEMU did not exit after poweroff; console:\n" << console;
    EXPECT_EQ(*status, 0) << test::read_text(m_dir.path() / "qemu.log");
    EXPECT_EQ(console.find("vmtest-init: FATAL"), std::string::npos) << console;
    EXPECT_NE(console.find("started guest agent /bin/sh"), std::string::npos) << console;
    EXPECT_NE(console.find("poweroff requested by the host"), std::string::npos) << console;
    if (std::getenv("VMTEST_SMOKE_SHOW_CONSOLE") != nullptr) {
        std::printf("%s", console.c_str());
    }
}

TEST_F(BootSmoke, WithoutOverlayTheRootStaysReadOnly) {
    auto overlay = std::find_if(m_modules.begin(), m_modules.end(),
                                [](const auto& path) { return module_name_of(path) == "overlay"; });
    if (overlay == m_modules.end()) {
        GTEST_SKIP() << "overlay is built into this kernel";
    }
    m_modules.erase(overlay);
    InitConfig config = base_config();
    config.agent_args = {"-c", "touch /vmtest-smoke-ro 2>/dev/null || echo vmtest-smoke: root is read-only;"
                               " touch /tmp/f && echo vmtest-smoke: tmp is writable; exec sleep 30"};
    auto initrd = build(config);

    Qemu qemu(qemu_args(initrd), m_dir.path() / "qemu.log");
    FileDescriptor control(connect_control(control_socket(), 10s));
    ASSERT_GE(control.get(), 0);
    std::string received;
    ASSERT_TRUE(read_until(control.get(), "ready\n", 120s, received)) << test::read_text(console_log());
    EXPECT_TRUE(wait_for_text(console_log(), "vmtest-smoke: tmp is writable", 30s)) << test::read_text(console_log());
    ASSERT_EQ(::write(control.get(), "poweroff\n", 9), 9);
    auto status = qemu.wait(30s);
    std::string console = test::read_text(console_log());
    ASSERT_TRUE(status.has_value()) << console;
    EXPECT_EQ(*status, 0);
    EXPECT_NE(console.find("vmtest-init: WARNING: cannot mount an overlay"), std::string::npos) << console;
    EXPECT_NE(console.find("vmtest-smoke: root is read-only"), std::string::npos) << console;
    EXPECT_EQ(console.find("vmtest-init: FATAL"), std::string::npos) << console;
}

TEST_F(BootSmoke, MissingRootShareIsFatalAndPowersOff) {
    InitConfig config = base_config();
    config.root->source = "vmtest_no_such_tag";
    config.hints = {"this is the smoke test's hint"};
    auto initrd = build(config);

    auto start = Clock::now();
    Qemu qemu(qemu_args(initrd), m_dir.path() / "qemu.log");
    auto status = qemu.wait(120s);
    std::string console = test::read_text(console_log());
    ASSERT_TRUE(status.has_value()) << "QEMU did not exit; console:\n" << console;
    std::printf("boot to FATAL power-off: %.2f s\n", std::chrono::duration<double>(Clock::now() - start).count());
    EXPECT_EQ(*status, 0);
    auto fatal = console.find("vmtest-init: FATAL:");
    ASSERT_NE(fatal, std::string::npos) << console;
    std::string line = console.substr(fatal, console.find('\n', fatal) - fatal);
    std::printf("%s\n", line.c_str());
    EXPECT_NE(line.find("9p"), std::string::npos) << line;
    EXPECT_NE(line.find("vmtest_no_such_tag"), std::string::npos) << line;
    EXPECT_NE(line.find("this is the smoke test's hint"), std::string::npos) << line;
}

}  // namespace
}  // namespace vmtest::boot
