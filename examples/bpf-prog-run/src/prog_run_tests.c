/* Tests of the UDP guard's XDP programs, run with BPF_PROG_RUN: the kernel
 * runs a program once on a frame given from userspace and hands back its
 * verdict and the frame as the program left it, without any network
 * device. So each test builds a frame, runs the program on it and checks
 * the verdict and the bytes. Needs root (CAP_BPF and CAP_NET_ADMIN); prints
 * KTAP and exits 1 when a test failed. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "frames.h"
#include "ktap.h"
#include "udp_guard.h"
#include "udp_guard.skel.h"
#include "udp_guard_dynptr.skel.h"

struct test {
    struct udp_guard* guard;
    bool failed;
    char skip_reason[200];
};

/* Records a failed expectation and says why, as a KTAP diagnostic line. */
static bool expect(struct test* t, bool ok, const char* format, ...)
    __attribute__((format(printf, 3, 4)));
static bool expect(struct test* t, bool ok, const char* format, ...) {
    if (!ok) {
        va_list args;
        va_start(args, format);
        char message[300];
        vsnprintf(message, sizeof(message), format, args);
        va_end(args);
        ktap_diagnostic("%s", message);
        t->failed = true;
    }
    return ok;
}

static const char* verdict_name(unsigned verdict) {
    static const char* const names[] = {"XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX",
                                        "XDP_REDIRECT"};
    return verdict < sizeof(names) / sizeof(names[0]) ? names[verdict] : "an unknown verdict";
}

struct run {
    int error; /* a negative errno when BPF_PROG_RUN failed */
    unsigned verdict;
    struct frame out;
};

static struct run run_program(struct bpf_program* program, const struct frame* in) {
    struct run run = {0};
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in->bytes, .data_size_in = in->size,
                .data_out = run.out.bytes, .data_size_out = sizeof(run.out.bytes), .repeat = 1);
    run.error = bpf_prog_test_run_opts(bpf_program__fd(program), &opts);
    run.verdict = opts.retval;
    run.out.size = opts.data_size_out;
    return run;
}

/* Runs `program` on `in`; checks the verdict and, unless it rewrites, that
 * the frame came back as it went in. Returns the run for further checks. */
static struct run expect_verdict(struct test* t, struct bpf_program* program, const char* what,
                                 const struct frame* in, unsigned verdict) {
    struct run run = run_program(program, in);
    if (!expect(t, run.error == 0, "BPF_PROG_RUN of %s on %s failed: %s",
                bpf_program__name(program), what, strerror(-run.error))) {
        return run;
    }
    expect(t, run.verdict == verdict, "%s: %s gave %s, expected %s", bpf_program__name(program),
           what, verdict_name(run.verdict), verdict_name(verdict));
    if (verdict != XDP_TX) {
        expect(t, run.out.size == in->size && memcmp(run.out.bytes, in->bytes, in->size) == 0,
               "%s changed %s", bpf_program__name(program), what);
    }
    return run;
}

static enum ktap_result result_of(const struct test* t) {
    return t->failed ? KTAP_FAIL : KTAP_PASS;
}

static enum ktap_result passes_frames_that_are_not_ipv4(struct test* t) {
    const struct frame arp = frame_arp_request();
    expect_verdict(t, t->guard->progs.udp_guard, "an ARP request", &arp, XDP_PASS);
    return result_of(t);
}

static enum ktap_result passes_tcp_even_to_the_echo_port(struct test* t) {
    const struct frame tcp = frame_tcp(UDP_GUARD_ECHO_PORT);
    expect_verdict(t, t->guard->progs.udp_guard, "a TCP SYN to port 7", &tcp, XDP_PASS);
    return result_of(t);
}

static enum ktap_result passes_udp_to_other_ports(struct test* t) {
    const struct frame dns = frame_udp(53, "a DNS query");
    expect_verdict(t, t->guard->progs.udp_guard, "UDP to port 53", &dns, XDP_PASS);
    return result_of(t);
}

static enum ktap_result drops_udp_to_the_discard_port(struct test* t) {
    const struct frame discard = frame_udp(UDP_GUARD_DISCARD_PORT, "nobody reads this");
    expect_verdict(t, t->guard->progs.udp_guard, "UDP to port 9", &discard, XDP_DROP);
    return result_of(t);
}

static enum ktap_result answers_udp_echo_in_place(struct test* t) {
    struct frame request = frame_udp(UDP_GUARD_ECHO_PORT, "ping");
    struct run run =
        expect_verdict(t, t->guard->progs.udp_guard, "a UDP echo request", &request, XDP_TX);
    if (run.error || !expect(t, run.out.size == request.size, "the reply has %zu bytes, not %zu",
                             run.out.size, request.size)) {
        return KTAP_FAIL;
    }
    struct frame* reply = &run.out;
    struct ethhdr* eth_in = frame_eth(&request);
    struct ethhdr* eth_out = frame_eth(reply);
    expect(t,
           memcmp(eth_out->h_dest, eth_in->h_source, ETH_ALEN) == 0 &&
               memcmp(eth_out->h_source, eth_in->h_dest, ETH_ALEN) == 0,
           "the reply's MAC addresses are not the request's swapped");
    struct iphdr* ip_in = frame_ip(&request);
    struct iphdr* ip_out = frame_ip(reply);
    expect(t, ip_out->saddr == ip_in->daddr && ip_out->daddr == ip_in->saddr,
           "the reply's IP addresses are not the request's swapped");
    expect(t, ip_out->ttl == UDP_GUARD_REPLY_TTL, "the reply's TTL is %u, not %u", ip_out->ttl,
           UDP_GUARD_REPLY_TTL);
    expect(t, ipv4_checksum_ok(ip_out), "the reply's IPv4 checksum 0x%04x is wrong",
           ntohs(ip_out->check));
    struct udphdr* udp_in = frame_udp_header(&request);
    struct udphdr* udp_out = frame_udp_header(reply);
    expect(t, udp_out->source == udp_in->dest && udp_out->dest == udp_in->source,
           "the reply's ports are %u -> %u, not the request's swapped", ntohs(udp_out->source),
           ntohs(udp_out->dest));
    expect(t, udp_checksum_ok(ip_out, udp_out), "the reply's UDP checksum 0x%04x is wrong",
           ntohs(udp_out->check));
    expect(t, memcmp(udp_out + 1, "ping", 4) == 0, "the reply's payload is not the request's");
    return result_of(t);
}

/* Frames cut short inside a header, and an IPv4 header whose length field
 * is below the minimum: reading them as announced would read garbage. */
static const char* const k_malformed_names[] = {"a frame cut in the IPv4 header",
                                                "a frame cut in the UDP header",
                                                "an IPv4 header of 16 bytes"};
enum { k_malformed_count = 3 };

static struct frame malformed_frame(int which) {
    const size_t ip_start = sizeof(struct ethhdr);
    const size_t udp_start = ip_start + sizeof(struct iphdr);
    struct frame echo = frame_udp(UDP_GUARD_ECHO_PORT, "ping");
    switch (which) {
    case 0:
        return frame_truncated(echo, ip_start + 10);
    case 1:
        return frame_truncated(echo, udp_start + 4);
    default:
        frame_ip(&echo)->ihl = 4;
        return echo;
    }
}

static enum ktap_result drops_malformed_frames(struct test* t) {
    for (int i = 0; i < k_malformed_count; i++) {
        const struct frame frame = malformed_frame(i);
        expect_verdict(t, t->guard->progs.udp_guard, k_malformed_names[i], &frame, XDP_DROP);
    }
    return result_of(t);
}

static bool read_verdict_counts(struct test* t, __u64 counts[XDP_TX + 1]) {
    for (__u32 action = 0; action <= XDP_TX; action++) {
        int error = bpf_map__lookup_elem(t->guard->maps.verdicts, &action, sizeof(action),
                                         &counts[action], sizeof(counts[action]), 0);
        if (!expect(t, error == 0, "cannot read the verdicts map: %s", strerror(-error))) {
            return false;
        }
    }
    return true;
}

static enum ktap_result counts_verdicts_in_a_map(struct test* t) {
    __u64 before[XDP_TX + 1];
    __u64 after[XDP_TX + 1];
    if (!read_verdict_counts(t, before)) {
        return KTAP_FAIL;
    }
    const struct frame frames[] = {frame_arp_request(), frame_udp(53, "q"),
                                   frame_udp(UDP_GUARD_DISCARD_PORT, "x"),
                                   frame_udp(UDP_GUARD_ECHO_PORT, "ping")};
    for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
        struct run run = run_program(t->guard->progs.udp_guard, &frames[i]);
        expect(t, run.error == 0, "BPF_PROG_RUN failed: %s", strerror(-run.error));
    }
    if (!read_verdict_counts(t, after)) {
        return KTAP_FAIL;
    }
    const __u64 expected[XDP_TX + 1] = {[XDP_PASS] = 2, [XDP_DROP] = 1, [XDP_TX] = 1};
    for (unsigned action = 0; action <= XDP_TX; action++) {
        expect(t, after[action] - before[action] == expected[action],
               "%s counted %llu more, expected %llu", verdict_name(action),
               (unsigned long long)(after[action] - before[action]),
               (unsigned long long)expected[action]);
    }
    return result_of(t);
}

/* Whether the running kernel has the kfunc `name`: it is looked up in the
 * kernel's BTF, where libbpf resolves a program's kfunc calls when it loads
 * it (and what libbpf's bpf_ksym_exists() checks from BPF code). Asking the
 * kernel itself, not comparing version numbers, keeps the answer right for
 * backports and for configurations that leave the feature out. */
static bool kernel_has_kfunc(const char* name, char* why, size_t why_size) {
    struct btf* vmlinux = btf__load_vmlinux_btf();
    if (!vmlinux) {
        snprintf(why, why_size, "cannot read the kernel's BTF: %s", strerror(errno));
        return false;
    }
    const bool found = btf__find_by_name_kind(vmlinux, name, BTF_KIND_FUNC) >= 0;
    btf__free(vmlinux);
    if (!found) {
        snprintf(why, why_size, "this kernel has no kfunc %s (Linux 6.3 added it)", name);
    }
    return found;
}

static enum ktap_result dynptr_guard_agrees_with_direct_access(struct test* t) {
    if (!kernel_has_kfunc("bpf_dynptr_from_xdp", t->skip_reason, sizeof(t->skip_reason))) {
        return KTAP_SKIP;
    }
    struct udp_guard_dynptr* dynptr_guard = udp_guard_dynptr__open_and_load();
    if (!expect(t, dynptr_guard != NULL, "cannot load udp_guard_dynptr.bpf.o: %s",
                strerror(errno))) {
        return KTAP_FAIL;
    }
    struct bpf_program* program = dynptr_guard->progs.udp_guard_dynptr;
    const struct {
        const char* what;
        struct frame frame;
        unsigned verdict;
    } cases[] = {
        {"an ARP request", frame_arp_request(), XDP_PASS},
        {"a TCP SYN to port 7", frame_tcp(UDP_GUARD_ECHO_PORT), XDP_PASS},
        {"UDP to port 53", frame_udp(53, "a DNS query"), XDP_PASS},
        {"UDP to port 9", frame_udp(UDP_GUARD_DISCARD_PORT, "x"), XDP_DROP},
        {"a UDP echo request", frame_udp(UDP_GUARD_ECHO_PORT, "ping"), XDP_TX},
        {k_malformed_names[0], malformed_frame(0), XDP_DROP},
        {k_malformed_names[1], malformed_frame(1), XDP_DROP},
        {k_malformed_names[2], malformed_frame(2), XDP_DROP},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        expect_verdict(t, program, cases[i].what, &cases[i].frame, cases[i].verdict);
    }
    udp_guard_dynptr__destroy(dynptr_guard);
    return result_of(t);
}

/* libbpf's warnings as they come (its debug chatter left out), on stderr. */
static int print_libbpf_warnings(enum libbpf_print_level level, const char* format, va_list args) {
    if (level == LIBBPF_DEBUG) {
        return 0;
    }
    return vfprintf(stderr, format, args);
}

int main(void) {
    static const struct {
        const char* name;
        enum ktap_result (*run)(struct test*);
    } tests[] = {
        {"passes_frames_that_are_not_ipv4", passes_frames_that_are_not_ipv4},
        {"passes_tcp_even_to_the_echo_port", passes_tcp_even_to_the_echo_port},
        {"passes_udp_to_other_ports", passes_udp_to_other_ports},
        {"drops_udp_to_the_discard_port", drops_udp_to_the_discard_port},
        {"answers_udp_echo_in_place", answers_udp_echo_in_place},
        {"drops_malformed_frames", drops_malformed_frames},
        {"counts_verdicts_in_a_map", counts_verdicts_in_a_map},
        {"dynptr_guard_agrees_with_direct_access", dynptr_guard_agrees_with_direct_access},
    };
    const int count = (int)(sizeof(tests) / sizeof(tests[0]));
    libbpf_set_print(print_libbpf_warnings);

    ktap_header(count);
    struct utsname kernel;
    uname(&kernel);
    ktap_diagnostic("kernel %s", kernel.release);
    struct udp_guard* guard = udp_guard__open_and_load();
    if (!guard) {
        printf("Bail out! cannot load udp_guard.bpf.o: %s\n", strerror(errno));
        return 1;
    }
    int totals[KTAP_SKIP + 1] = {0};
    for (int i = 0; i < count; i++) {
        struct test t = {.guard = guard};
        const enum ktap_result result = tests[i].run(&t);
        totals[result]++;
        ktap_result(i + 1, tests[i].name, result, t.skip_reason);
    }
    /* kselftest's closing line. */
    ktap_diagnostic("Totals: pass:%d fail:%d skip:%d", totals[KTAP_PASS], totals[KTAP_FAIL],
                    totals[KTAP_SKIP]);
    udp_guard__destroy(guard);
    return totals[KTAP_FAIL] ? 1 : 0;
}
