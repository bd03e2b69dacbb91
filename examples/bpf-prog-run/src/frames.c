#include "frames.h"

#include <arpa/inet.h>
#include <string.h>

#include <linux/if_arp.h>
#include <linux/in.h>

static const uint8_t k_client_mac[ETH_ALEN] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t k_server_mac[ETH_ALEN] = {0x02, 0, 0, 0, 0, 0x02};
#define CLIENT_ADDR "10.0.0.1"
#define SERVER_ADDR "10.0.0.2"
#define CLIENT_PORT 40000

struct ethhdr* frame_eth(struct frame* frame) {
    return (struct ethhdr*)frame->bytes;
}

struct iphdr* frame_ip(struct frame* frame) {
    return (struct iphdr*)(frame->bytes + sizeof(struct ethhdr));
}

struct udphdr* frame_udp_header(struct frame* frame) {
    return (struct udphdr*)(frame->bytes + sizeof(struct ethhdr) + sizeof(struct iphdr));
}

uint16_t ones_complement_sum(const void* data, size_t size, uint32_t sum) {
    const uint8_t* bytes = data;
    for (size_t i = 0; i + 1 < size; i += 2) {
        sum += (uint32_t)(bytes[i] << 8 | bytes[i + 1]);
    }
    if (size % 2) {
        sum += (uint32_t)(bytes[size - 1] << 8);
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)sum;
}

/* The IPv4 pseudo-header UDP's checksum covers, summed. */
static uint32_t pseudo_header_sum(const struct iphdr* ip, uint16_t udp_length) {
    uint8_t pseudo[12];
    memcpy(pseudo, &ip->saddr, 4);
    memcpy(pseudo + 4, &ip->daddr, 4);
    pseudo[8] = 0;
    pseudo[9] = ip->protocol;
    pseudo[10] = (uint8_t)(udp_length >> 8);
    pseudo[11] = (uint8_t)udp_length;
    return ones_complement_sum(pseudo, sizeof(pseudo), 0);
}

int ipv4_checksum_ok(const struct iphdr* ip) {
    return ones_complement_sum(ip, ip->ihl * 4u, 0) == 0xffff;
}

int udp_checksum_ok(const struct iphdr* ip, const struct udphdr* udp) {
    const uint16_t length = ntohs(udp->len);
    return ones_complement_sum(udp, length, pseudo_header_sum(ip, length)) == 0xffff;
}

/* Ethernet and IPv4 headers for `protocol` carrying `l4_size` bytes. */
static struct frame frame_ipv4(uint8_t protocol, size_t l4_size) {
    struct frame frame = {.size = sizeof(struct ethhdr) + sizeof(struct iphdr) + l4_size};
    struct ethhdr* eth = frame_eth(&frame);
    memcpy(eth->h_dest, k_server_mac, ETH_ALEN);
    memcpy(eth->h_source, k_client_mac, ETH_ALEN);
    eth->h_proto = htons(ETH_P_IP);
    struct iphdr* ip = frame_ip(&frame);
    ip->version = 4;
    ip->ihl = 5;
    ip->tot_len = htons((uint16_t)(sizeof(struct iphdr) + l4_size));
    ip->id = htons(0x1234);
    ip->frag_off = htons(0x4000); /* don't fragment */
    ip->ttl = FRAME_REQUEST_TTL;
    ip->protocol = protocol;
    inet_pton(AF_INET, CLIENT_ADDR, &ip->saddr);
    inet_pton(AF_INET, SERVER_ADDR, &ip->daddr);
    ip->check = htons((uint16_t)~ones_complement_sum(ip, sizeof(*ip), 0));
    return frame;
}

struct frame frame_udp(uint16_t dest_port, const char* payload) {
    const size_t payload_size = strlen(payload);
    struct frame frame = frame_ipv4(IPPROTO_UDP, sizeof(struct udphdr) + payload_size);
    struct udphdr* udp = frame_udp_header(&frame);
    udp->source = htons(CLIENT_PORT);
    udp->dest = htons(dest_port);
    udp->len = htons((uint16_t)(sizeof(*udp) + payload_size));
    memcpy(udp + 1, payload, payload_size);
    const uint16_t length = ntohs(udp->len);
    udp->check = htons(
        (uint16_t)~ones_complement_sum(udp, length, pseudo_header_sum(frame_ip(&frame), length)));
    return frame;
}

struct frame frame_tcp(uint16_t dest_port) {
    /* Only the ports and a SYN: the guard never looks past the IP header. */
    uint8_t tcp[20] = {CLIENT_PORT >> 8, CLIENT_PORT & 0xff, (uint8_t)(dest_port >> 8),
                       (uint8_t)dest_port};
    tcp[12] = 5 << 4; /* data offset: 5 words */
    tcp[13] = 0x02;   /* SYN */
    struct frame frame = frame_ipv4(IPPROTO_TCP, sizeof(tcp));
    memcpy(frame_ip(&frame) + 1, tcp, sizeof(tcp));
    return frame;
}

struct frame frame_arp_request(void) {
    struct frame frame = {.size = sizeof(struct ethhdr) + sizeof(struct arphdr) + 20};
    struct ethhdr* eth = frame_eth(&frame);
    memset(eth->h_dest, 0xff, ETH_ALEN);
    memcpy(eth->h_source, k_client_mac, ETH_ALEN);
    eth->h_proto = htons(ETH_P_ARP);
    struct arphdr* arp = (struct arphdr*)(eth + 1);
    arp->ar_hrd = htons(ARPHRD_ETHER);
    arp->ar_pro = htons(ETH_P_IP);
    arp->ar_hln = ETH_ALEN;
    arp->ar_pln = 4;
    arp->ar_op = htons(ARPOP_REQUEST);
    uint8_t* addresses = (uint8_t*)(arp + 1); /* sender MAC, IP; target MAC, IP */
    memcpy(addresses, k_client_mac, ETH_ALEN);
    inet_pton(AF_INET, CLIENT_ADDR, addresses + 6);
    inet_pton(AF_INET, SERVER_ADDR, addresses + 16);
    return frame;
}

struct frame frame_truncated(struct frame frame, size_t size) {
    memset(frame.bytes + size, 0, sizeof(frame.bytes) - size);
    frame.size = size;
    return frame;
}
