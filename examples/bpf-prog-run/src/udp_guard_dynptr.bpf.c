// SPDX-License-Identifier: GPL-2.0
/* The same UDP guard (see udp_guard.h) reading the frame through a dynptr:
 * bpf_dynptr_from_xdp() and bpf_dynptr_slice() (kfuncs since Linux 6.3).
 * A slice is a pointer into the frame when the bytes are contiguous, else a
 * copy in the buffer given, so the same code reads multi-buffer frames
 * (jumbo frames, GRO) whose headers ctx->data_end would cut. Checks only
 * verdicts: it does not answer echo requests itself.
 *
 * Kernels without these kfuncs refuse to load it (libbpf finds no
 * bpf_dynptr_from_xdp in the kernel's BTF), which is why it is an object
 * of its own: the tests load it only after probing for the kfunc. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "udp_guard.h"

extern int bpf_dynptr_from_xdp(struct xdp_md* xdp, __u64 flags,
                               struct bpf_dynptr* ptr__uninit) __ksym;
extern void* bpf_dynptr_slice(const struct bpf_dynptr* ptr, __u32 offset, void* buffer__opt,
                              __u32 buffer__szk) __ksym;

#define IP_FRAGMENT_OFFSET 0x1fff

SEC("xdp")
int udp_guard_dynptr(struct xdp_md* ctx) {
    struct bpf_dynptr frame;
    struct ethhdr eth_copy;
    struct iphdr ip_copy;
    struct udphdr udp_copy;

    if (bpf_dynptr_from_xdp(ctx, 0, &frame))
        return XDP_ABORTED;

    struct ethhdr* eth = bpf_dynptr_slice(&frame, 0, &eth_copy, sizeof(eth_copy));
    if (!eth)
        return XDP_DROP;
    if (eth->h_proto != bpf_htons(ETH_P_IP))
        return XDP_PASS;

    struct iphdr* ip = bpf_dynptr_slice(&frame, sizeof(*eth), &ip_copy, sizeof(ip_copy));
    if (!ip || ip->ihl < 5)
        return XDP_DROP;
    if (ip->protocol != IPPROTO_UDP || (ip->frag_off & bpf_htons(IP_FRAGMENT_OFFSET)))
        return XDP_PASS;

    __u32 udp_offset = sizeof(*eth) + ip->ihl * 4;
    struct udphdr* udp = bpf_dynptr_slice(&frame, udp_offset, &udp_copy, sizeof(udp_copy));
    if (!udp)
        return XDP_DROP;
    switch (bpf_ntohs(udp->dest)) {
    case UDP_GUARD_DISCARD_PORT:
        return XDP_DROP;
    case UDP_GUARD_ECHO_PORT:
        return XDP_TX;
    default:
        return XDP_PASS;
    }
}

char LICENSE[] SEC("license") = "GPL";
