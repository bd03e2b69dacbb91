/* Hand-built Ethernet frames for the tests: a UDP datagram from
 * 10.0.0.1:40000 (02:00:00:00:00:01) to 10.0.0.2 (02:00:00:00:00:02) with
 * valid IPv4 and UDP checksums, and the frames around it the guard must
 * leave alone. */
#ifndef FRAMES_H
#define FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>

#define FRAME_MAX 256
#define FRAME_REQUEST_TTL 17

struct frame {
    uint8_t bytes[FRAME_MAX];
    size_t size;
};

/* Views of a frame built by frame_udp() (an IPv4 header without options). */
struct ethhdr* frame_eth(struct frame* frame);
struct iphdr* frame_ip(struct frame* frame);
struct udphdr* frame_udp_header(struct frame* frame);

struct frame frame_udp(uint16_t dest_port, const char* payload);
struct frame frame_tcp(uint16_t dest_port);
struct frame frame_arp_request(void);
/* The first `size` bytes of `frame`, as if the rest were lost. */
struct frame frame_truncated(struct frame frame, size_t size);

/* RFC 1071's sum over `size` bytes, folded, not complemented, starting from
 * `sum`: a valid header sums (with its checksum) to 0xffff. */
uint16_t ones_complement_sum(const void* data, size_t size, uint32_t sum);
/* Whether an IPv4 header's, and a UDP datagram's, checksum is valid. */
int ipv4_checksum_ok(const struct iphdr* ip);
int udp_checksum_ok(const struct iphdr* ip, const struct udphdr* udp);

#endif
