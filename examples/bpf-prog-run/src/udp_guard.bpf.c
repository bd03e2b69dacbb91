// SPDX-License-Identifier: GPL-2.0
/* The UDP guard (see udp_guard.h) as XDP code usually reads packets: direct
 * packet access between ctx->data and ctx->data_end, every header checked
 * against data_end before it is read. Runs on any kernel with XDP. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "udp_guard.h"

/* How many frames got each verdict, indexed by XDP action. */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, XDP_REDIRECT + 1);
    __type(key, __u32);
    __type(value, __u64);
} verdicts SEC(".maps");

/* IPv4 fragment offset bits: only a packet's first fragment has the UDP header. */
#define IP_FRAGMENT_OFFSET 0x1fff

static __always_inline void swap_bytes(__u8* a, __u8* b, int size) {
    for (int i = 0; i < size; i++) {
        __u8 t = a[i];
        a[i] = b[i];
        b[i] = t;
    }
}

/* Sets the TTL and patches the header checksum for the one 16-bit word
 * that changed (RFC 1624: HC' = ~(~HC + ~m + m')), instead of summing the
 * whole header again. */
static __always_inline void set_ttl(struct iphdr* ip, __u8 ttl) {
    __u16* word = (__u16*)&ip->ttl; /* ttl and protocol */
    __u16 old = *word;
    ip->ttl = ttl;
    __u32 sum = (__u16)~ip->check + (__u16)~old + *word;
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    ip->check = ~sum;
}

/* Turns a request into its reply in place. Swapping the addresses and ports
 * leaves both checksums valid: one's complement sums do not depend on the
 * order of their terms. */
static __always_inline void turn_around(struct ethhdr* eth, struct iphdr* ip, struct udphdr* udp) {
    swap_bytes(eth->h_dest, eth->h_source, ETH_ALEN);
    __be32 addr = ip->saddr;
    ip->saddr = ip->daddr;
    ip->daddr = addr;
    __be16 port = udp->source;
    udp->source = udp->dest;
    udp->dest = port;
    set_ttl(ip, UDP_GUARD_REPLY_TTL);
}

static __always_inline int guard(void* data, void* data_end) {
    struct ethhdr* eth = data;
    if ((void*)(eth + 1) > data_end)
        return XDP_DROP;
    if (eth->h_proto != bpf_htons(ETH_P_IP))
        return XDP_PASS;

    struct iphdr* ip = (void*)(eth + 1);
    if ((void*)(ip + 1) > data_end || ip->ihl < 5)
        return XDP_DROP;
    if (ip->protocol != IPPROTO_UDP || (ip->frag_off & bpf_htons(IP_FRAGMENT_OFFSET)))
        return XDP_PASS;

    struct udphdr* udp = (void*)ip + ip->ihl * 4;
    if ((void*)(udp + 1) > data_end)
        return XDP_DROP;
    switch (bpf_ntohs(udp->dest)) {
    case UDP_GUARD_DISCARD_PORT:
        return XDP_DROP;
    case UDP_GUARD_ECHO_PORT:
        turn_around(eth, ip, udp);
        return XDP_TX;
    default:
        return XDP_PASS;
    }
}

SEC("xdp")
int udp_guard(struct xdp_md* ctx) {
    int verdict = guard((void*)(long)ctx->data, (void*)(long)ctx->data_end);
    __u32 key = verdict;
    __u64* count = bpf_map_lookup_elem(&verdicts, &key);
    if (count)
        __sync_fetch_and_add(count, 1);
    return verdict;
}

char LICENSE[] SEC("license") = "GPL";
