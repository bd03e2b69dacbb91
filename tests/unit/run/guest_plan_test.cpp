#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "run/events.hpp"
#include "run/guest_plan.hpp"
#include "run/session.hpp"

namespace vmtest::run {
namespace {

using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

config::Target target() {
    config::Target t;
    t.name = "t";
    t.kernel = "/boot/vmlinuz";
    t.base_dir = "/home/me/project";
    t.workdir = "/home/me/project/sub";
    t.command = "make test";
    t.vm.mounts = {{"/data", "/srv/data", false}, {"/scratch", "/tmp/scratch", true}};
    return t;
}

std::vector<sdk::GuestMount> nine_p_mounts(const std::vector<sdk::Export>& exports) {
    std::vector<sdk::GuestMount> mounts;
    for (const auto& e : exports) {
        mounts.push_back({e.tag, "9p", e.tag, "trans=virtio"});
    }
    return mounts;
}

TEST(GuestPlan, ExportsRootReadOnlyProjectReadWriteAndEachMountAsConfigured) {
    const auto exports = exports_for(target());
    ASSERT_EQ(exports.size(), 4u);
    EXPECT_EQ(exports[0].host_path, "/");
    EXPECT_FALSE(exports[0].writable);
    EXPECT_EQ(exports[1].host_path, "/home/me/project");
    EXPECT_TRUE(exports[1].writable);
    EXPECT_FALSE(exports[2].writable);
    EXPECT_TRUE(exports[3].writable);
}

TEST(GuestPlan, RootWritableExportsTheRootWritableAndNeedsNoOverlay) {
    auto t = target();
    t.root_writable = true;
    EXPECT_TRUE(exports_for(t)[0].writable);
    EXPECT_THAT(base_guest_modules(t), ElementsAre("virtio_pci", "virtio_console"));
    t.root_writable = false;
    EXPECT_THAT(base_guest_modules(t), ElementsAre("virtio_pci", "virtio_console", "overlay"));
}

TEST(GuestPlan, KernelArgumentRoLocksTheRootEvenWhenRootWritableIsSet) {
    for (const bool root_writable : {false, true}) {
        auto t = target();
        t.root_writable = root_writable;
        t.kernel_args = "nokaslr ro";
        EXPECT_FALSE(exports_for(t)[0].writable) << "nothing may reach the host's root";
        // The overlay gives vmtest's mount points a place until the root is locked.
        EXPECT_THAT(base_guest_modules(t), ElementsAre("virtio_pci", "virtio_console", "overlay"));
        const auto init = init_config_for(t, nine_p_mounts(exports_for(t)), {}, {}, false);
        ASSERT_TRUE(init.root);
        EXPECT_TRUE(init.root->read_only);
        EXPECT_TRUE(init.read_only_root);
        EXPECT_FALSE(init.mounts[0].read_only) << "/mnt/vmtest stays writable, as upstream's";
    }
}

TEST(GuestPlan, WithoutRoTheRootIsNotLocked) {
    auto t = target();
    t.kernel_args = "ro rw";
    const auto init = init_config_for(t, nine_p_mounts(exports_for(t)), {}, {}, false);
    EXPECT_FALSE(init.read_only_root);
}

TEST(GuestPlan, GuestModulesAreVmtestsThenTheBackendsThenTheSharesEachOnce) {
    sdk::BackendDescription backend;
    backend.guest_modules = {"virtio_mmio", "virtio_console"};
    sdk::ShareDescription share;
    share.attachment = "9p";
    share.guest_modules = {"9pnet_virtio", "9p", "virtio_mmio"};
    EXPECT_THAT(guest_modules_for(target(), backend, share),
                ElementsAre("virtio_pci", "virtio_console", "overlay", "virtio_mmio",
                            "9pnet_virtio", "9p"));
}

TEST(GuestPlan, ABackendDescribeWithoutGuestModulesNeedsNone) {
    // What a backend built against ABI 1.0 or 1.1 replies.
    const auto backend = nlohmann::json::parse(R"({"attachments": ["9p"], "boot_timeout_s": 60})")
                             .get<sdk::BackendDescription>();
    EXPECT_TRUE(backend.guest_modules.empty());
    sdk::ShareDescription share;
    share.attachment = "9p";
    share.guest_modules = {"9p"};
    EXPECT_THAT(guest_modules_for(target(), backend, share),
                ElementsAre("virtio_pci", "virtio_console", "overlay", "9p"));
}

TEST(GuestPlan, InitMountsProjectAtMntVmtestAndAtItsHostPath) {
    const auto t = target();
    sdk::RunnerDescription runner;
    runner.channels = {"org.qemu.guest_agent.0"};
    runner.guest_agent = {{"/usr/sbin/qemu-ga"}, {"-m"}};
    const auto init = init_config_for(t, nine_p_mounts(exports_for(t)), runner, {"a hint"}, false);
    ASSERT_TRUE(init.root);
    EXPECT_TRUE(init.root->read_only);
    EXPECT_EQ(init.root->source, "vmtest_root");
    ASSERT_EQ(init.mounts.size(), 3u);
    EXPECT_EQ(init.mounts[0].guest_path, "/mnt/vmtest");
    EXPECT_FALSE(init.mounts[0].read_only);
    EXPECT_EQ(init.mounts[1].guest_path, "/data");
    EXPECT_TRUE(init.mounts[1].read_only);
    ASSERT_EQ(init.binds.size(), 1u);
    EXPECT_EQ(init.binds[0].source, "/mnt/vmtest");
    EXPECT_EQ(init.binds[0].destination, "/home/me/project");
    EXPECT_THAT(init.ports, ElementsAre("org.qemu.guest_agent.0", "org.vmtest.control"));
    EXPECT_EQ(init.control_port, "org.vmtest.control");
    EXPECT_THAT(init.hints, ElementsAre("a hint"));
}

TEST(GuestPlan, AProjectAtTheRootIsNotBoundOverTheRoot) {
    auto t = target();
    t.base_dir = "/";
    const auto init = init_config_for(t, nine_p_mounts(exports_for(t)), {}, {}, false);
    EXPECT_TRUE(init.binds.empty());
}

TEST(GuestPlan, KernelCommandLinePutsUserArgumentsLast) {
    auto t = target();
    t.kernel_args = "quiet=0 loglevel=7";
    EXPECT_EQ(
        kernel_command_line(t, false),
        "console=ttyS0 panic=-1 rdinit=/init no_timer_check quiet earlyprintk=serial,ttyS0 quiet=0 loglevel=7");
    EXPECT_EQ(kernel_command_line(t, true),
              "console=ttyS0 panic=-1 rdinit=/init no_timer_check earlyprintk=serial,ttyS0 quiet=0 loglevel=7");
}

TEST(GuestPlan, KernelCommandLineOfAarch64UsesTheVirtBoardsUart) {
    auto t = target();
    t.arch = "aarch64";
    t.kernel_args = "loglevel=7";
    EXPECT_EQ(kernel_command_line(t, false),
              "console=ttyAMA0 panic=-1 rdinit=/init quiet earlycon loglevel=7");
}

TEST(GuestPlan, CommandRunsInAShellInTheWorkdirWithTheGivenEnvironment) {
    const auto command = command_for(target(), {"A=1"});
    // $0 is the shell's short name, as in danobi/vmtest.
    EXPECT_THAT(command.argv,
                ElementsAre(AnyOf("/bin/bash", "/bin/sh"), "-c", "make test", AnyOf("bash", "sh")));
    EXPECT_EQ(command.argv[0].substr(5), command.argv[3]);
    EXPECT_EQ(command.cwd, "/home/me/project/sub");
    EXPECT_THAT(command.env, ElementsAre("A=1"));
}

TargetResult result(Outcome outcome, int exit_code = 0, bool timed_out = false) {
    TargetResult r;
    r.outcome = outcome;
    r.exit_code = exit_code;
    r.timed_out = timed_out;
    return r;
}

TEST(ExitStatus, OneTargetGivesItsCommandsStatusOrSaysWhyNot) {
    EXPECT_EQ(exit_status({result(Outcome::pass)}), 0);
    EXPECT_EQ(exit_status({result(Outcome::fail, 3)}), 3);
    EXPECT_EQ(exit_status({result(Outcome::error)}), k_exit_unavailable);
    EXPECT_EQ(exit_status({result(Outcome::error, 0, true)}), k_exit_timeout);
}

TEST(ExitStatus, ABootTimeoutIsNotTheCommandsTimeoutNorAVmThatCannotRun) {
    auto boot = result(Outcome::error, 0, true);
    boot.error_kind = "boot_timeout";
    EXPECT_EQ(exit_status({boot}), k_exit_boot_timeout);
    EXPECT_EQ(k_exit_boot_timeout, 75);  // EX_TEMPFAIL, as README.md documents
    auto command = result(Outcome::error, 0, true);
    command.error_kind = "timeout";
    EXPECT_EQ(exit_status({command}), k_exit_timeout);
    for (const char* kind : {"helper_failed", "boot_failed", "kernel_panic", "vm_exit"}) {
        auto error = result(Outcome::error);
        error.error_kind = kind;
        EXPECT_EQ(exit_status({error}), k_exit_unavailable) << kind;
    }
}

TEST(ExitStatus, AKernelSplatFailsACommandThatExited0AsOneFailure) {
    auto splat = result(Outcome::fail, 0);
    splat.error_kind = "kernel_splat";
    EXPECT_EQ(exit_status({splat}), 1);
    EXPECT_EQ(exit_status({splat, result(Outcome::pass)}), 1);
}

TEST(ExitStatus, SeveralTargetsGiveTheNumberThatDidNotPass) {
    EXPECT_EQ(exit_status({result(Outcome::pass), result(Outcome::fail, 9), result(Outcome::error)}),
              2);
    EXPECT_EQ(exit_status({result(Outcome::pass), result(Outcome::pass)}), 0);
}

}  // namespace
}  // namespace vmtest::run
