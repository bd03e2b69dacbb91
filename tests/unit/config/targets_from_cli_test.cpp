#include <gtest/gtest.h>

#include <initializer_list>

#include "config/target_filter.hpp"
#include "config/targets_from_cli.hpp"

namespace vmtest::config {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

CliOptions parse(std::initializer_list<const char*> args) {
    std::vector<const char*> argv{"vmtest"};
    argv.insert(argv.end(), args.begin(), args.end());
    return parse_cli(static_cast<int>(argv.size()), argv.data());
}

Config three_targets() {
    Config config;
    for (const char* name : {"kernel-6.1", "kernel-6.8", "image-fedora"}) {
        Target target;
        target.name = name;
        target.command = "true";
        config.targets.push_back(target);
    }
    config.targets[2].image = "/img";
    return config;
}

std::vector<std::string> names(const std::vector<Target>& targets) {
    std::vector<std::string> result;
    for (const Target& target : targets) {
        result.push_back(target.name);
    }
    return result;
}

TEST(SelectTargets, DefaultFilterSelectsAllInOrder) {
    EXPECT_EQ(names(select_targets(three_targets(), ".*")),
              (std::vector<std::string>{"kernel-6.1", "kernel-6.8", "image-fedora"}));
}

TEST(SelectTargets, FilterSearchesAnywhereInTheName) {
    EXPECT_EQ(names(select_targets(three_targets(), "6\\.8")),
              (std::vector<std::string>{"kernel-6.8"}));
    EXPECT_EQ(names(select_targets(three_targets(), "^kernel")),
              (std::vector<std::string>{"kernel-6.1", "kernel-6.8"}));
    EXPECT_TRUE(select_targets(three_targets(), "nomatch").empty());
}

TEST(SelectTargets, BadRegexIsAUsageError) {
    EXPECT_THROW(select_targets(three_targets(), "["), UsageError);
}

TEST(OneLiner, BuildsTargetFromKernelAndWords) {
    const CliOptions options = parse({"-k", "kernels/bzImage-6.8", "--", "make", "-j4"});
    const Target target =
        make_oneliner_target(options, "/home/user/src", fs::path("kernels/bzImage-6.8"));
    EXPECT_EQ(target.name, "bzImage-6.8");
    EXPECT_EQ(target.kernel, fs::path("/home/user/src/kernels/bzImage-6.8"));
    EXPECT_FALSE(target.image);
    EXPECT_EQ(target.command, "make -j4");
    EXPECT_EQ(target.base_dir, fs::path("/home/user/src"));
    EXPECT_EQ(target.workdir, fs::path("/home/user/src"));
    EXPECT_EQ(target.rootfs, fs::path("/"));
    EXPECT_EQ(target.arch, "x86_64");
    EXPECT_EQ(target.kernel_args, "");
    EXPECT_EQ(target.timeout, 600s);
    EXPECT_EQ(target.vm.num_cpus, 2);
    EXPECT_EQ(target.vm.memory, "4G");
}

TEST(OneLiner, AbsoluteHostKernel) {
    const Target target = make_oneliner_target(parse({"uname -r"}), "/tmp",
                                               fs::path("/boot/vmlinuz-6.1.0-18-amd64"));
    EXPECT_EQ(target.name, "vmlinuz-6.1.0-18-amd64");
    EXPECT_EQ(target.kernel, fs::path("/boot/vmlinuz-6.1.0-18-amd64"));
}

TEST(OneLiner, InteractiveShell) {
    const Target target = make_oneliner_target(parse({"-k", "bz", "-"}), "/w", fs::path("bz"));
    EXPECT_TRUE(target.is_interactive());
}

TEST(OneLiner, FlagsApply) {
    const CliOptions options =
        parse({"-k", "bz", "--kargs", "quiet", "-r", "root", "--kvm-cpu-args", "host",
               "-q", "qemu-x", "--backend", "b", "--share", "s", "--runner", "r",
               "--timeout", "5", "true"});
    const Target target = make_oneliner_target(options, "/w", fs::path("bz"));
    EXPECT_EQ(target.kernel_args, "quiet");
    EXPECT_EQ(target.rootfs, fs::path("/w/root"));
    EXPECT_EQ(target.kvm_cpu_args, "host");
    EXPECT_EQ(target.qemu_command, "qemu-x");
    EXPECT_EQ(target.backend, "b");
    EXPECT_EQ(target.share, "s");
    EXPECT_EQ(target.runner, "r");
    EXPECT_EQ(target.timeout, 5s);
}

TEST(OneLiner, ControlCharactersInTheKernelFileNameDoNotReachTheName) {
    const Target target =
        make_oneliner_target(parse({"true"}), "/w", fs::path("/k/bz\nImage\x1b[2J"));
    EXPECT_EQ(target.name, "bz?Image?[2J");
    EXPECT_EQ(target.kernel, fs::path("/k/bz\nImage\x1b[2J"));
}

TEST(OneLiner, NoCommandIsAUsageError) {
    try {
        make_oneliner_target(parse({"-k", "bz"}), "/w", fs::path("bz"));
        FAIL() << "no error";
    } catch (const UsageError& error) {
        EXPECT_STREQ(error.what(),
                     "no command given: put the command after the options, or '-' for an "
                     "interactive shell");
    }
}

TEST(Overrides, ApplyToConfigTargets) {
    Config config = three_targets();
    const CliOptions options = parse({"--kargs", "nokaslr", "--rootfs", "/srv/root", "--arch",
                                      "x86_64", "--timeout", "99", "--runner", "serial"});
    for (Target& target : config.targets) {
        apply_overrides(target, options, "/cwd");
    }
    EXPECT_EQ(config.targets[0].kernel_args, "nokaslr");
    EXPECT_EQ(config.targets[1].kernel_args, "nokaslr");
    // Image targets boot their own kernel: nothing to pass kargs to.
    EXPECT_EQ(config.targets[2].kernel_args, "");
    for (const Target& target : config.targets) {
        EXPECT_EQ(target.rootfs, fs::path("/srv/root"));
        EXPECT_EQ(target.timeout, 99s);
        EXPECT_EQ(target.runner, "serial");
        EXPECT_EQ(target.share, "9p");
        EXPECT_EQ(target.backend, "auto");
    }
}

TEST(Overrides, PluginFlagsBecomeTheOriginOfTheirErrors) {
    Target target = three_targets().targets[0];
    target.origins["share"] = FieldOrigin{"vmtest.toml", SourcePosition{3, 1}, ""};
    apply_overrides(target, parse({"--backend", "nosuch", "--runner", "r"}));
    EXPECT_EQ(target.origins.at("backend"), (FieldOrigin{"", std::nullopt, "--backend"}));
    EXPECT_EQ(target.origins.at("runner"), (FieldOrigin{"", std::nullopt, "--runner"}));
    EXPECT_EQ(target.origins.at("share"), (FieldOrigin{"vmtest.toml", SourcePosition{3, 1}, ""}));
    EXPECT_NO_THROW(fail_at_origin(target, "backend", "no backend plugin named 'nosuch'"));
    EXPECT_EQ(origin_label(target, "backend"), "--backend");
    EXPECT_EQ(origin_label(target, "runner"), "--runner");
    target.origins.erase("runner");
    EXPECT_EQ(origin_label(target, "runner"), "target 'kernel-6.1'");
}

TEST(Overrides, NothingGivenChangesNothing) {
    Target target = three_targets().targets[0];
    target.kernel_args = "keep";
    target.timeout = 7s;
    apply_overrides(target, parse({}));
    EXPECT_EQ(target.kernel_args, "keep");
    EXPECT_EQ(target.timeout, 7s);
    EXPECT_FALSE(target.qemu_command);
}

TEST(Overrides, RelativeRootfsWithoutCwdStaysRelative) {
    Target target;
    apply_overrides(target, parse({"-r", "./root/"}));
    EXPECT_EQ(target.rootfs, fs::path("root/"));
}

TEST(Overrides, KernelSplatsFlagWinsOverTheFile) {
    Target target;
    target.kernel_splats = KernelSplatPolicy::ignore;
    apply_overrides(target, parse({"--kernel-splats", "warn"}), "/cwd");
    EXPECT_EQ(target.kernel_splats, KernelSplatPolicy::warn);
    Target untouched;
    untouched.kernel_splats = KernelSplatPolicy::ignore;
    apply_overrides(untouched, parse({}), "/cwd");
    EXPECT_EQ(untouched.kernel_splats, KernelSplatPolicy::ignore);
    EXPECT_EQ(Target{}.kernel_splats, KernelSplatPolicy::fail);  // the default
}

}  // namespace
}  // namespace vmtest::config
