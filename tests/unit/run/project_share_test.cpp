// The project share never exposes the host's system: `/` and system
// directories are shared read-only and not mounted over the guest's own.
#include <cstdlib>

#include <gtest/gtest.h>

#include "run/guest_plan.hpp"
#include "run/project_share.hpp"
#include "../../support/temp_dir.hpp"

namespace vmtest::run {
namespace {

namespace fs = std::filesystem;

TEST(ProjectShare, RootPseudoFilesystemsAndSystemTreesAreSystemDirectories) {
    for (const char* dir :
         {"/", "/proc", "/proc/self", "/sys/kernel", "/dev", "/dev/shm", "/run", "/run/user/0",
          "/etc", "/etc/ssh", "/boot", "/bin", "/sbin", "/lib", "/lib64", "/lib/modules", "/usr",
          "/usr/", "/usr/bin", "/usr/lib/x86_64-linux-gnu", "/usr/local", "/usr/local/bin",
          "/var", "/var/lib", "/var/log", "/var/log/apt", "/var/cache/apt", "/var/spool/cron",
          "/home", "/opt", "/srv", "/usr/src", "/usr/local/src", "/etc/../usr"}) {
        EXPECT_TRUE(is_system_directory(dir)) << dir;
    }
}

TEST(ProjectShare, PlacesWhereProjectsLiveAreNot) {
    for (const char* dir :
         {"/home/me/project", "/home/me", "/root", "/root/src/x", "/tmp", "/tmp/build", "/var/tmp",
          "/var/tmp/x", "/var/lib/jenkins/workspace/job", "/opt/app", "/srv/www",
          "/usr/src/linux", "/usr/local/src/kernel", "/mnt/vmtest", "/mnt/data/p", "/work/wt",
          "/usr2", "/etcetera", "/proceeds", "/builds/group/project"}) {
        EXPECT_FALSE(is_system_directory(dir)) << dir;
    }
}

config::Target target_in(const fs::path& base_dir) {
    config::Target t;
    t.name = "t";
    t.kernel = "/boot/vmlinuz";
    t.base_dir = base_dir;
    t.workdir = base_dir;
    t.command = "true";
    return t;
}

std::vector<sdk::GuestMount> nine_p_mounts(const std::vector<sdk::Export>& exports) {
    std::vector<sdk::GuestMount> mounts;
    for (const auto& e : exports) {
        mounts.push_back({e.tag, "9p", e.tag, "trans=virtio"});
    }
    return mounts;
}

boot::InitConfig init_for(const config::Target& t) {
    sdk::RunnerDescription runner;
    runner.channels = {"org.qemu.guest_agent.0"};
    runner.guest_agent.candidates = {"/usr/sbin/qemu-ga"};
    return init_config_for(t, nine_p_mounts(exports_for(t)), runner, {}, false);
}

TEST(ProjectShare, HostRootIsExportedAndMountedReadOnlyWithANotice) {
    const auto t = target_in("/");
    EXPECT_FALSE(exports_for(t)[1].writable);
    const auto init = init_for(t);
    ASSERT_FALSE(init.mounts.empty());
    EXPECT_EQ(init.mounts[0].guest_path, "/mnt/vmtest");
    EXPECT_TRUE(init.mounts[0].read_only);
    EXPECT_TRUE(init.binds.empty());
    const auto notice = project_share_notice(t);
    ASSERT_TRUE(notice);
    EXPECT_NE(notice->find("/ is a system directory"), std::string::npos) << *notice;
    EXPECT_NE(notice->find("read-only at /mnt/vmtest"), std::string::npos) << *notice;
    EXPECT_NE(notice->find("run vmtest from your project's directory"), std::string::npos);
    EXPECT_EQ(notice->find('\n'), std::string::npos);
}

TEST(ProjectShare, SystemDirectoryIsNotMountedOverTheGuestsOwn) {
    const auto init = init_for(target_in("/proc"));
    EXPECT_TRUE(init.mounts[0].read_only);
    EXPECT_TRUE(init.binds.empty()) << "the guest keeps its own /proc";
}

TEST(ProjectShare, AProjectStaysReadWriteAndAtItsHostPath) {
    const auto t = target_in("/home/me/project");
    EXPECT_TRUE(exports_for(t)[1].writable);
    const auto init = init_for(t);
    EXPECT_FALSE(init.mounts[0].read_only);
    ASSERT_EQ(init.binds.size(), 1u);
    EXPECT_EQ(init.binds[0].destination, "/home/me/project");
    EXPECT_FALSE(project_share_notice(t));
}

TEST(ProjectShare, RootWritableOnTheHostsRootKeepsItWritable) {
    auto t = target_in("/");
    t.root_writable = true;
    EXPECT_TRUE(exports_for(t)[1].writable);
    EXPECT_FALSE(project_share_notice(t));
    t.rootfs = "/srv/other-root";  // writable, but another root: not the host's
    EXPECT_FALSE(exports_for(t)[1].writable);
}

TEST(ProjectShare, KernelArgumentRoTakesBackWhatRootWritableGave) {
    auto t = target_in("/");
    t.root_writable = true;
    t.kernel_args = "ro";
    EXPECT_FALSE(exports_for(t)[1].writable) << "the host's / through /mnt/vmtest";
    EXPECT_TRUE(project_share_notice(t));
}

TEST(ProjectShare, ALinkIsJudgedByWhereItLeads) {
    const test_support::TempDir temp;
    const fs::path& dir = temp.path();
    fs::create_directory_symlink("/etc", dir / "etc-link");
    EXPECT_FALSE(exports_for(target_in(dir / "etc-link"))[1].writable);
    EXPECT_TRUE(exports_for(target_in(dir))[1].writable);
}

}  // namespace
}  // namespace vmtest::run
