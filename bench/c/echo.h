/* The echo request the bench's C ceilings send (raw-sender.c, flood-ceiling.c), as the flood rows'
 * tools send theirs: an IPv4 header of our own (IP_HDRINCL; the kernel fills in its checksum, and
 * the source while it is 0.0.0.0) and an ICMP echo request with 56 data bytes 0, 1, 2, ...
 * sweep6-ceiling.c sends the same data over IPv6, with these checksum sums. */
#ifndef RAWPROBE_BENCH_ECHO_H
#define RAWPROBE_BENCH_ECHO_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ECHO_DATA 56
#define ECHO_LENGTH (20 + 8 + ECHO_DATA)

/* `sum` plus the 16-bit big-endian words of n bytes, unfolded: a pseudo-header's sum goes in as
 * `sum` for the part after it (ICMPv6, sweep6-ceiling.c). */
static inline uint32_t sum16(const void *p, size_t n, uint32_t sum) {
  const uint8_t *b = p;
  for (size_t i = 0; i + 1 < n; i += 2) sum += (uint32_t)(b[i] << 8 | b[i + 1]);
  if (n & 1) sum += (uint32_t)b[n - 1] << 8;
  return sum;
}

/* The checksum field for an unfolded sum, in network byte order (RFC 1071). */
static inline uint16_t checksum_of(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return htons((uint16_t)~sum);
}

/* The Internet checksum of n bytes, in network byte order. */
static inline uint16_t internet_checksum(const void *p, size_t n) { return checksum_of(sum16(p, n, 0)); }

/* ECHO_LENGTH bytes at `packet`: an echo request to `to`, identifier `id`, sequence `seq` (also the
 * IPv4 identification). */
static inline void echo_request(uint8_t *packet, struct in_addr to, uint16_t id, uint16_t seq) {
  memset(packet, 0, ECHO_LENGTH);
  struct iphdr *ip = (struct iphdr *)packet;
  ip->version = 4;
  ip->ihl = 5;
  ip->tot_len = htons(ECHO_LENGTH);
  ip->id = htons(seq);
  ip->ttl = 64;
  ip->protocol = IPPROTO_ICMP;
  ip->daddr = to.s_addr;
  struct icmphdr *icmp = (struct icmphdr *)(packet + 20);
  icmp->type = ICMP_ECHO;
  icmp->un.echo.id = htons(id);
  icmp->un.echo.sequence = htons(seq);
  for (int k = 0; k < ECHO_DATA; k++) packet[28 + k] = (uint8_t)k;
  icmp->checksum = internet_checksum(icmp, 8 + ECHO_DATA);
}

#endif
