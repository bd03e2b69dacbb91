// Which guest paths vm.mounts may use, as a class: every path the guest's
// init owns (core/guest_init/mounts.cpp, run/guest_plan.cpp) is refused, and
// paths that are not absolute and normalised are refused with one line.
#include <gtest/gtest.h>

#include "config/guest_mount_path.hpp"

namespace vmtest::config {
namespace {

const std::filesystem::path k_project = "/home/user/project";

std::string problem(std::string_view path) {
    return guest_mount_path_problem(path, k_project).value_or("<fine>");
}

TEST(GuestMountPath, EverythingTheInitMountsIsRefused) {
    // What mounts.cpp mounts (k_api_mounts, k_optional_mounts, /dev links),
    // plus anything else under the kernel's trees.
    for (const char* path :
         {"/proc", "/sys", "/dev", "/dev/pts", "/dev/shm", "/sys/fs/cgroup", "/sys/kernel/debug",
          "/sys/kernel/tracing", "/sys/fs/bpf", "/dev/fd", "/proc/sys/kernel", "/dev/disk/by-id"}) {
        EXPECT_NE(problem(path).find("which the guest's init mounts from the kernel"),
                  std::string::npos)
            << path << ": " << problem(path);
    }
    EXPECT_EQ(problem("/tmp"),
              "is where the guest's init mounts a tmpfs; mount beneath it instead, e.g. /tmp/data");
    EXPECT_EQ(problem("/run"),
              "is where the guest's init mounts a tmpfs; mount beneath it instead, e.g. /run/data");
    EXPECT_EQ(problem("/"), "cannot replace the guest's root");
}

TEST(GuestMountPath, TheProjectsPlacesAreRefused) {
    EXPECT_EQ(problem("/mnt/vmtest"), "is reserved for the config file's directory");
    EXPECT_EQ(problem("/mnt"),
              "would hide /mnt/vmtest, where the guest sees the config file's directory");
    EXPECT_EQ(problem("/home/user/project"),
              "is where the guest sees the config file's directory (at its host path)");
    EXPECT_EQ(problem("/home"),
              "contains /home/user/project, where the guest's init binds the config file's "
              "directory");
    EXPECT_EQ(problem("/home/user"),
              "contains /home/user/project, where the guest's init binds the config file's "
              "directory");
}

TEST(GuestMountPath, OrdinaryPathsAreFine) {
    for (const char* path :
         {"/mnt/data", "/srv", "/tmp/data", "/run/x", "/mnt/vmtest/sub", "/home/user/project/sub",
          "/home/other", "/proctor", "/device", "/system", "/opt/a.b/c-d_e", "/数据"}) {
        EXPECT_EQ(problem(path), "<fine>") << path;
    }
    // A project at / is not bound again at its path.
    EXPECT_FALSE(guest_mount_path_problem("/srv", "/"));
}

TEST(GuestMountPath, PathsMustBeAbsoluteAndNormalised) {
    for (const char* path : {"", "data", "./data", "mnt/x"}) {
        EXPECT_EQ(problem(path), "must be absolute") << path;
    }
    const std::string not_normal =
        "must be normalised: no \".\" or \"..\" parts, no \"//\", no trailing \"/\"";
    for (const char* path :
         {"/srv/", "//srv", "/srv//b", "/srv/./b", "/srv/../proc", "/..", "/.", "/srv/.."}) {
        EXPECT_EQ(problem(path), not_normal) << path;
    }
    for (const std::string& path : {std::string("/srv/a\nb"), std::string("/srv/\t"),
                                    std::string("/srv/\0x", 7), std::string("/x\x7f")}) {
        EXPECT_EQ(problem(path), "must not contain control characters");
    }
}

}  // namespace
}  // namespace vmtest::config
