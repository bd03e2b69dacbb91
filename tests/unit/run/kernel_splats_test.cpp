// Kernel splats found in a guest kernel's log, cut out whole: each class of
// report kernel CIs treat as a failure, in the form the kernel prints it.
#include "run/kernel_splats.hpp"

#include <algorithm>

#include <gtest/gtest.h>

namespace vmtest::run {
namespace {

// Lines around every splat below: normal boot messages, some of which name
// what splats are made of (BUG, WARNING, RCU, hung tasks, lockups) without
// being one.
constexpr const char* k_before =
    "Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC\n"
    "rcu: Hierarchical RCU implementation.\n"
    "rcu: \tRCU restricting CPUs from NR_CPUS=8192 to nr_cpu_ids=2.\n"
    "Spectre V2 : WARNING: Unprivileged eBPF is enabled with eIBRS on, data leaks possible via "
    "Spectre v2 BHB attacks!\n"
    "NMI watchdog: Perf NMI watchdog permanently disabled\n"
    "khungtaskd: started\n"
    "ACPI: bus type PCI registered\n";
constexpr const char* k_after = "virtio_net virtio0 enp0s2: renamed from eth0\n"
                                "systemd[1]: Started some service.\n";

std::vector<sdk::KernelSplat> scan(const std::string& splat) {
    return find_kernel_splats(std::string(k_before) + splat + k_after);
}

void expect_one(const std::string& splat, const std::string& kind, const std::string& title) {
    const auto splats = scan(splat);
    ASSERT_EQ(splats.size(), 1u) << "in:\n" << splat;
    EXPECT_EQ(splats[0].kind, kind);
    EXPECT_EQ(splats[0].title, title);
    // Exactly the splat: first line to the end of its trace, nothing around it.
    EXPECT_EQ(splats[0].text + "\n", splat);
}

TEST(KernelSplats, WarningFromCutHereToEndTrace) {
    expect_one("------------[ cut here ]------------\n"
               "WARNING: CPU: 0 PID: 1 at fake.c:1 f+0x0/0x1\n"
               "Modules linked in: virtio_net 9p\n"
               "CPU: 0 PID: 1 Comm: swapper/0 Not tainted 6.1.0-18-amd64 #1  Debian 6.1.76-1\n"
               "Hardware name: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.2-debian-1.16.2-1 "
               "04/01/2014\n"
               "RIP: 0010:f+0x0/0x1\n"
               "Code: 00 00 00 00 <0f> 0b c3\n"
               "RSP: 0018:ffffb7a3c0013e48 EFLAGS: 00010246\n"
               "RAX: 0000000000000000 RBX: ffff9c0d41a2b000 RCX: 0000000000000000\n"
               "Call Trace:\n"
               " <TASK>\n"
               " ? __warn+0x7d/0xc0\n"
               " ? f+0x0/0x1\n"
               " do_one_initcall+0x41/0x200\n"
               " </TASK>\n"
               "---[ end trace 0000000000000000 ]---\n",
               "warning", "WARNING: CPU: 0 PID: 1 at fake.c:1 f+0x0/0x1");
}

TEST(KernelSplats, NullPointerOopsIsOneBugSplatThroughItsEndTrace) {
    expect_one("BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
               "#PF: supervisor write access in kernel mode\n"
               "#PF: error_code(0x0002) - not-present page\n"
               "PGD 0 P4D 0 \n"
               "Oops: 0002 [#1] PREEMPT SMP NOPTI\n"
               "CPU: 1 PID: 230 Comm: sh Not tainted 6.1.0-18-amd64 #1  Debian 6.1.76-1\n"
               "RIP: 0010:sysrq_handle_crash+0x16/0x20\n"
               "Call Trace:\n"
               " <TASK>\n"
               " __handle_sysrq.cold+0x43/0x11b\n"
               " write_sysrq_trigger+0x24/0x40\n"
               " </TASK>\n"
               "Modules linked in: 9p netfs\n"
               "CR2: 0000000000000000\n"
               "---[ end trace 0000000000000000 ]---\n",
               "bug", "BUG: kernel NULL pointer dereference, address: 0000000000000000");
}

TEST(KernelSplats, OopsOnItsOwn) {
    expect_one("Oops: invalid opcode: 0000 [#1] PREEMPT SMP NOPTI\n"
               "CPU: 0 PID: 1 Comm: sh Not tainted 6.1.0 #1\n"
               "Call Trace:\n"
               " <TASK>\n"
               " do_syscall_64+0x5b/0xc0\n"
               " </TASK>\n"
               "---[ end trace 0000000000000000 ]---\n",
               "oops", "Oops: invalid opcode: 0000 [#1] PREEMPT SMP NOPTI");
}

TEST(KernelSplats, GeneralProtectionFault) {
    expect_one("general protection fault, probably for non-canonical address 0xdead000000000100: "
               "0000 [#1] PREEMPT SMP NOPTI\n"
               "CPU: 0 PID: 57 Comm: kworker/0:2 Not tainted 6.1.0 #1\n"
               "Workqueue: events free_work\n"
               "RIP: 0010:__list_del_entry_valid+0x1c/0x90\n"
               "Call Trace:\n"
               " <TASK>\n"
               " process_one_work+0x1c4/0x380\n"
               " </TASK>\n"
               "Modules linked in:\n"
               "---[ end trace 0000000000000000 ]---\n",
               "general_protection_fault",
               "general protection fault, probably for non-canonical address 0xdead000000000100: "
               "0000 [#1] PREEMPT SMP NOPTI");
}

TEST(KernelSplats, KasanReportBetweenItsSeparatorsBlankLinesIncluded) {
    expect_one("==================================================================\n"
               "BUG: KASAN: slab-out-of-bounds in kmalloc_oob_right+0x9c/0x150\n"
               "Write of size 1 at addr ffff888101d3c178 by task insmod/2760\n"
               "\n"
               "CPU: 0 PID: 2760 Comm: insmod Not tainted 6.1.0 #1\n"
               "Call Trace:\n"
               " <TASK>\n"
               " dump_stack_lvl+0x48/0x60\n"
               " </TASK>\n"
               "\n"
               "Allocated by task 2760:\n"
               " kasan_save_stack+0x22/0x40\n"
               "\n"
               "The buggy address belongs to the object at ffff888101d3c100\n"
               "Memory state around the buggy address:\n"
               " ffff888101d3c000: fa fb fb fb fb fb fb fb fc fc fc fc fc fc fc fc\n"
               ">ffff888101d3c100: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 03 fc\n"
               "                                                                ^\n"
               "==================================================================\n",
               "kasan", "BUG: KASAN: slab-out-of-bounds in kmalloc_oob_right+0x9c/0x150");
}

TEST(KernelSplats, UbsanReport) {
    expect_one("================================================================================\n"
               "UBSAN: array-index-out-of-bounds in drivers/fake/fake.c:123:45\n"
               "index 4 is out of range for type 'int [4]'\n"
               "CPU: 0 PID: 1 Comm: swapper/0 Not tainted 6.1.0 #1\n"
               "Call Trace:\n"
               " <TASK>\n"
               " dump_stack_lvl+0x48/0x60\n"
               " __ubsan_handle_out_of_bounds+0xa1/0xd0\n"
               " </TASK>\n"
               "================================================================================\n",
               "ubsan", "UBSAN: array-index-out-of-bounds in drivers/fake/fake.c:123:45");
}

TEST(KernelSplats, KfenceReport) {
    expect_one("==================================================================\n"
               "BUG: KFENCE: out-of-bounds read in test_out_of_bounds_read+0xa6/0x234\n"
               "\n"
               "Out-of-bounds read at 0xffff8c3f2e291fff (1B left of kfence-#72):\n"
               " test_out_of_bounds_read+0xa6/0x234\n"
               " kunit_try_run_case+0x61/0xa0\n"
               "\n"
               "kfence-#72: 0xffff8c3f2e292000-0xffff8c3f2e29201f, size=32, cache=kmalloc-32\n"
               "\n"
               "CPU: 0 PID: 484 Comm: kunit_try_catch Not tainted 6.1.0 #1\n"
               "==================================================================\n",
               "kfence", "BUG: KFENCE: out-of-bounds read in test_out_of_bounds_read+0xa6/0x234");
}

TEST(KernelSplats, LockdepCircularDependencyToTheEndOfItsTrace) {
    expect_one("======================================================\n"
               "WARNING: possible circular locking dependency detected\n"
               "6.1.0 #1 Not tainted\n"
               "------------------------------------------------------\n"
               "kworker/0:1/12 is trying to acquire lock:\n"
               "ffff888100a6c0d8 (&mm->mmap_lock){++++}-{3:3}, at: foo+0x1/0x2\n"
               "\n"
               "but task is already holding lock:\n"
               "\n"
               "which lock already depends on the new lock.\n"
               "\n"
               "-> #1 (&lock){+.+.}-{3:3}:\n"
               "       lock_acquire+0xd3/0x2f0\n"
               "       __mutex_lock+0x99/0x920\n"
               "\n"
               " *** DEADLOCK ***\n"
               "\n"
               "stack backtrace:\n"
               "CPU: 0 PID: 12 Comm: kworker/0:1 Not tainted 6.1.0 #1\n"
               "Call Trace:\n"
               " <TASK>\n"
               " dump_stack_lvl+0x5b/0x77\n"
               " check_noncircular+0xfe/0x110\n"
               " </TASK>\n",
               "lockdep", "WARNING: possible circular locking dependency detected");
}

TEST(KernelSplats, LockdepInconsistentLockState) {
    expect_one("================================\n"
               "WARNING: inconsistent lock state\n"
               "6.1.0 #1 Not tainted\n"
               "--------------------------------\n"
               "inconsistent {SOFTIRQ-ON-W} -> {IN-SOFTIRQ-W} usage.\n"
               "swapper/0/0 [HC0[0]:SC1[1]:HE1:SE0] takes:\n"
               "stack backtrace:\n"
               "Call Trace:\n"
               " <IRQ>\n"
               " dump_stack_lvl+0x5b/0x77\n"
               " </IRQ>\n"
               " <TASK>\n"
               " default_idle+0x10/0x20\n"
               " </TASK>\n",
               "lockdep", "WARNING: inconsistent lock state");
}

TEST(KernelSplats, RcuStall) {
    expect_one("rcu: INFO: rcu_sched detected stalls on CPUs/tasks:\n"
               "rcu: \\x091-...!: (0 ticks this GP) idle=2a4c/1/0x4000000000000000 "
               "softirq=1034/1034 fqs=0\n"
               "\\x09(detected by 0, t=21002 jiffies, g=1873, q=11 ncpus=2)\n"
               "Sending NMI from CPU 0 to CPUs 1:\n"
               "NMI backtrace for cpu 1\n"
               "CPU: 1 PID: 0 Comm: swapper/1 Not tainted 6.1.0 #1\n"
               "Call Trace:\n"
               " <TASK>\n"
               " default_idle_call+0x2c/0xa0\n"
               " </TASK>\n",
               "rcu_stall", "rcu: INFO: rcu_sched detected stalls on CPUs/tasks:");
}

TEST(KernelSplats, RcuSelfDetectedStall) {
    expect_one("rcu: INFO: rcu_preempt self-detected stall on CPU\n"
               "rcu: \\x090-....: (5250 ticks this GP) idle=8bc4/1/0x4000000000000000\n"
               "CPU: 0 PID: 300 Comm: spin Not tainted 6.1.0 #1\n"
               "Call Trace:\n"
               " <IRQ>\n"
               " rcu_dump_cpu_stacks+0xea/0x120\n"
               " </IRQ>\n",
               "rcu_stall", "rcu: INFO: rcu_preempt self-detected stall on CPU");
}

TEST(KernelSplats, HungTask) {
    expect_one("INFO: task cat:245 blocked for more than 2 seconds.\n"
               "      Not tainted 6.1.0-18-amd64 #1 Debian 6.1.76-1\n"
               "\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.\n"
               "task:cat             state:D stack:0     pid:245   ppid:240    flags:0x00000000\n"
               "Call Trace:\n"
               " <TASK>\n"
               " __schedule+0x34d/0x9e0\n"
               " schedule+0x5a/0xd0\n"
               " request_wait_answer+0x13f/0x220 [fuse]\n"
               " </TASK>\n",
               "hung_task", "INFO: task cat:245 blocked for more than 2 seconds.");
}

TEST(KernelSplats, HungTaskTraceTakesTheUserRegistersBeforeItsEnd) {
    // As Debian's 6.1 printed it for a writer blocked on a frozen ext4.
    expect_one("INFO: task sh:106 blocked for more than 1 seconds.\n"
               "      Not tainted 6.1.0-57-amd64 #1 Debian 6.1.192-3\n"
               "\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.\n"
               "task:sh              state:D stack:0     pid:106   ppid:92     flags:0x00000002\n"
               "Call Trace:\n"
               " <TASK>\n"
               " __schedule+0x34d/0xa00\n"
               " percpu_rwsem_wait+0x116/0x140\n"
               " mnt_want_write+0x8b/0xc0\n"
               " entry_SYSCALL_64_after_hwframe+0x6e/0xd8\n"
               "RIP: 0033:0x7f5c3ab1f0a1\n"
               "RSP: 002b:00007ffd6b4f1a60 EFLAGS: 00000202 ORIG_RAX: 0000000000000101\n"
               "RAX: ffffffffffffffda RBX: 0000000000000000 RCX: 00007f5c3ab1f0a1\n"
               "RDX: 0000000000000241 RSI: 000055d1b0f6e2a0 RDI: 00000000ffffff9c\n"
               "RBP: 000055d1b0f6e2a0 R08: 0000000000000000 R09: 0000000000000000\n"
               "R10: 00000000000001b6 R11: 0000000000000202 R12: 0000000000000241\n"
               "R13: 0000000000000001 R14: 0000000000000000 R15: 0000000000000000\n"
               " </TASK>\n",
               "hung_task", "INFO: task sh:106 blocked for more than 1 seconds.");
}

TEST(KernelSplats, SoftLockupIsNotAPlainBug) {
    expect_one("watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [spin:300]\n"
               "Modules linked in: 9p\n"
               "CPU: 0 PID: 300 Comm: spin Not tainted 6.1.0 #1\n"
               "RIP: 0010:spin+0x10/0x20\n"
               "Call Trace:\n"
               " <IRQ>\n"
               " watchdog_timer_fn+0x1d0/0x240\n"
               " </IRQ>\n"
               " <TASK>\n"
               " spin+0x10/0x20\n"
               " </TASK>\n",
               "soft_lockup", "watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [spin:300]");
}

TEST(KernelSplats, RefcountWarningTakesTheWarningAfterIt) {
    expect_one("------------[ cut here ]------------\n"
               "refcount_t: underflow; use-after-free.\n"
               "WARNING: CPU: 0 PID: 1 at lib/refcount.c:28 refcount_warn_saturate+0x97/0x110\n"
               "Modules linked in:\n"
               "Call Trace:\n"
               " <TASK>\n"
               " fake_put+0x10/0x20\n"
               " </TASK>\n"
               "---[ end trace 0000000000000000 ]---\n",
               "refcount", "refcount_t: underflow; use-after-free.");
}

TEST(KernelSplats, BugWithoutTraceEndsAtTheNextSplat) {
    const auto splats =
        find_kernel_splats("BUG: sleeping function called from invalid context at mm/slab.h:1\n"
                           "in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 1, name: sh\n"
                           "WARNING: CPU: 0 PID: 1 at fake.c:2 g+0x0/0x1\n"
                           "---[ end trace 0000000000000000 ]---\n");
    ASSERT_EQ(splats.size(), 2u);
    EXPECT_EQ(splats[0].kind, "bug");
    EXPECT_EQ(splats[0].text, "BUG: sleeping function called from invalid context at mm/slab.h:1\n"
                              "in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 1, name: sh");
    EXPECT_EQ(splats[1].kind, "warning");
}

TEST(KernelSplats, ReadsTheDmesgFileFormatAndKeepsItsLines) {
    const auto splats = find_kernel_splats(
        "[    0.000000] <info> Linux version 6.1.0\n"
        "[   12.000001] <user.warn> WARNING: CPU: 0 PID: 1 at fake.c:1 f+0x0/0x1\n"
        "[   12.000002] <user.warn> Call Trace:\n"
        "[   12.000003] <user.warn>  f+0x0/0x1\n"
        "[   12.000004] <user.warn> ---[ end trace 0000000000000000 ]---\n"
        "[   12.100000] <info> after\n");
    ASSERT_EQ(splats.size(), 1u);
    EXPECT_EQ(splats[0].title, "WARNING: CPU: 0 PID: 1 at fake.c:1 f+0x0/0x1");
    EXPECT_EQ(splats[0].text,
              "[   12.000001] <user.warn> WARNING: CPU: 0 PID: 1 at fake.c:1 f+0x0/0x1\n"
              "[   12.000002] <user.warn> Call Trace:\n"
              "[   12.000003] <user.warn>  f+0x0/0x1\n"
              "[   12.000004] <user.warn> ---[ end trace 0000000000000000 ]---");
}

TEST(KernelSplats, NormalBootAndMentionsMidMessageAreNotSplats) {
    EXPECT_TRUE(find_kernel_splats(std::string(k_before) + k_after +
                                   "test: printing BUG: and WARNING: in the middle\n"
                                   "audit: echo 'BUG: x' is not a splat\n"
                                   "Warning: lowercase kernel notices are not WARNING splats\n"
                                   "INFO: task accounting enabled\n")
                    .empty());
}

TEST(KernelSplats, ASplatThatNeverEndsIsCut) {
    std::string log = "WARNING: CPU: 0 PID: 1 at fake.c:1 f+0x0/0x1\n";
    for (int i = 0; i < 1000; ++i) {
        log += "a line that is no trace " + std::to_string(i) + "\n";
    }
    const auto splats = find_kernel_splats(log);
    ASSERT_EQ(splats.size(), 1u);
    EXPECT_EQ(
        static_cast<std::size_t>(std::count(splats[0].text.begin(), splats[0].text.end(), '\n')) +
            1,
        k_max_splat_lines);
}

}  // namespace
}  // namespace vmtest::run
