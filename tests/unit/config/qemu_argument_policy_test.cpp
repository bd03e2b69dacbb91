// The QEMU options vmtest refuses in arguments passed to QEMU verbatim, as a
// class: every refused option in every spelling, the value-dependent ones,
// and the ordinary options that must still pass.
#include <gtest/gtest.h>

#include "config/qemu_argument_policy.hpp"

namespace vmtest::config {
namespace {

std::optional<RefusedQemuArgument> refused(std::vector<std::string> arguments) {
    return find_refused_qemu_argument(arguments);
}

// Every option refused whatever its value, as QEMU spells it.
const char* const k_always_refused[] = {
    "-daemonize",  "-runas",       "-chroot", "-run-with",        "-pidfile",
    "-readconfig", "-set",         "-S",      "-incoming",        "-preconfig",
    "-qtest",      "-no-shutdown", "-action", "-watchdog-action", "-monitor",
    "-qmp",        "-qmp-pretty",  "-mon",    "-serial",          "-nographic",
    "-display",    "-kernel",      "-initrd", "-append",          "-m"};

TEST(QemuArgumentPolicy, EveryRefusedOptionInEverySpelling) {
    for (const std::string option : k_always_refused) {
        const std::string name = option.substr(1);
        for (const std::vector<std::string>& arguments : {std::vector<std::string>{option, "x"},
                                                          {"-" + option, "x"},
                                                          {option + "=x"},
                                                          {"--" + name + "=x"},
                                                          {"-device", "virtio-rng-pci", option}}) {
            const auto found = refused(arguments);
            ASSERT_TRUE(found) << arguments.front();
            EXPECT_EQ(found->option, option);
            EXPECT_EQ(found->index, arguments.size() == 3 ? 2u : 0u);
            EXPECT_FALSE(found->reason.empty());
        }
    }
}

TEST(QemuArgumentPolicy, MessageSaysWhy) {
    EXPECT_EQ(refused({"-daemonize"})->message(),
              "QEMU option -daemonize is not allowed: it detaches QEMU from vmtest, which could "
              "then no longer watch or stop it");
    EXPECT_EQ(refused({"-append", "quiet"})->message(),
              "QEMU option -append is not allowed: vmtest builds the kernel command line; add to "
              "it with 'kernel_args'");
}

TEST(QemuArgumentPolicy, TerminalAndMonitorValuesOfCharacterDevices) {
    for (const std::vector<std::string>& arguments :
         {std::vector<std::string>{"-chardev", "stdio,id=x"},
          {"-chardev=stdio,id=x"},
          {"-parallel", "stdio"},
          {"-debugcon", "mon:stdio"},
          {"-gdb", "stdio"},
          {"--gdb", "mon:unix:/tmp/s,server=on"},
          {"-parallel", "stdio:"}}) {
        ASSERT_TRUE(refused(arguments)) << arguments.front() << " " << arguments.back();
    }
    for (const std::vector<std::string>& arguments :
         {std::vector<std::string>{"-chardev", "socket,id=x,path=/tmp/s,server=on,wait=off"},
          {"-chardev", "file,id=stdio,path=/tmp/log"},
          {"-gdb", "tcp::1234"},
          {"-debugcon", "file:/tmp/debug.log"},
          {"-parallel", "none"},
          {"-chardev"}}) {
        EXPECT_FALSE(refused(arguments)) << arguments.front() << " " << arguments.back();
    }
}

TEST(QemuArgumentPolicy, OrdinaryOptionsPass) {
    EXPECT_FALSE(refused({"-device",
                          "virtio-rng-pci",
                          "-s",
                          "-smp",
                          "4,sockets=2",
                          "-machine",
                          "q35,kernel-irqchip=split",
                          "-netdev",
                          "user,id=n0",
                          "-device",
                          "virtio-net-pci,netdev=n0",
                          "-vnc",
                          ":1",
                          "-d",
                          "guest_errors",
                          "-D",
                          "/tmp/qemu.log",
                          "-mem-prealloc",
                          "-mem-path",
                          "/dev/hugepages",
                          "-msg",
                          "timestamp=on",
                          "-object",
                          "rng-random,id=rng0",
                          "-accel",
                          "tcg",
                          "-name",
                          "vm",
                          "disk.img"}));
    EXPECT_FALSE(refused({}));
}

TEST(QemuArgumentPolicy, CaseMatters) {
    // -s is gdb on :1234, harmless; -S never starts the CPUs.
    EXPECT_FALSE(refused({"-s"}));
    EXPECT_TRUE(refused({"-S"}));
    EXPECT_FALSE(refused({"-M", "q35"}));
}

TEST(QemuArgumentPolicy, KvmCpuArgsAreCheckedOnlyAsWholeOptions) {
    EXPECT_FALSE(find_refused_kvm_cpu_argument("host,pmu=off"));
    EXPECT_FALSE(find_refused_kvm_cpu_argument("host,-x2apic"));
    EXPECT_FALSE(find_refused_kvm_cpu_argument("-cpu host,pmu=off"));
    const auto found = find_refused_kvm_cpu_argument("  -cpu host   -daemonize ");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->option, "-daemonize");
    EXPECT_EQ(found->index, 2u);
}

}  // namespace
}  // namespace vmtest::config
