/* The ceiling for `rawprobe checksum`: the same checks in plain C, as fast as a straight loop
 * over a pcap in memory goes (bench/rows/ceilings.ts compiles it with cc at bench time).
 *
 *   pcap-checksum FILE
 *
 * Reads a classic pcap (microsecond or nanosecond, either byte order) of Ethernet (with VLAN
 * tags) or raw IPv4 frames, and for every IPv4 packet checks the header checksum and the ICMP,
 * UDP or TCP checksum it carries, counted as rawprobe and tshark count them: good, bad,
 * unverifiable (bytes cut by the snaplen, a fragment, a UDP length that does not fit), absent
 * (UDP checksum 0). Prints one line per bad checksum ("INDEX LAYER", packets numbered from 0),
 * then "packets N", "LAYER good bad unverifiable absent" per layer, and "ns N": the time the read
 * and the checks took, not counting the process start.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { IPV4, ICMP, UDP, TCP, LAYERS };
enum { GOOD, BAD, UNVERIFIABLE, ABSENT, STATES };
static const char *layer_name[LAYERS] = {"ipv4", "icmp", "udp", "tcp"};
static unsigned long counts[LAYERS][STATES];

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

/* The ones' complement sum of n bytes (RFC 1071), folded, not complemented. */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t sum) {
  while (n > 1) {
    sum += (uint32_t)(p[0] << 8 | p[1]);
    p += 2;
    n -= 2;
  }
  if (n) sum += (uint32_t)p[0] << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return sum;
}

static void tally(int layer, int state, unsigned long index) {
  counts[layer][state]++;
  if (state == BAD) printf("%lu %s\n", index, layer_name[layer]);
}

/* One IPv4 packet of `caplen` captured bytes. */
static void check(const uint8_t *ip, size_t caplen, unsigned long index) {
  if (caplen < 20 || ip[0] >> 4 != 4) return;
  size_t ihl = (size_t)(ip[0] & 15) * 4, total = be16(ip + 2);
  if (ihl < 20 || caplen < ihl || total < ihl) return;
  tally(IPV4, sum16(ip, ihl, 0) == 0xffff ? GOOD : BAD, index);
  int proto = ip[9];
  int layer = proto == 1 ? ICMP : proto == 17 ? UDP : proto == 6 ? TCP : -1;
  if (layer < 0) return;
  const uint8_t *t = ip + ihl;
  size_t len = total - ihl;
  int fragment = (be16(ip + 6) & 0x3fff) != 0;
  if (fragment || caplen < total) {
    tally(layer, UNVERIFIABLE, index);
    return;
  }
  if (layer == ICMP) {
    tally(ICMP, sum16(t, len, 0) == 0xffff ? GOOD : BAD, index);
    return;
  }
  if (layer == UDP && len >= 8 && be16(t + 6) == 0) {
    tally(UDP, ABSENT, index);
    return;
  }
  if (layer == UDP && (len < 8 || be16(t + 4) > len || be16(t + 4) < 8)) {
    tally(UDP, UNVERIFIABLE, index);
    return;
  }
  size_t covered = layer == UDP ? be16(t + 4) : len;
  uint32_t pseudo = sum16(ip + 12, 8, 0) + (uint32_t)proto + (uint32_t)covered;
  tally(layer, sum16(t, covered, pseudo) == 0xffff ? GOOD : BAD, index);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: pcap-checksum FILE\n");
    return 2;
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int fd = open(argv[1], O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0 || st.st_size < 24) {
    perror(argv[1]);
    return 2;
  }
  const uint8_t *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  if (p == MAP_FAILED) {
    perror("mmap");
    return 2;
  }
  uint32_t magic;
  memcpy(&magic, p, 4);
  int swap = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
  if (!swap && magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
    fprintf(stderr, "%s: not a classic pcap\n", argv[1]);
    return 2;
  }
#define U32(q) (swap ? __builtin_bswap32(*(const uint32_t *)(q)) : *(const uint32_t *)(q))
  uint32_t link = U32(p + 20);
  size_t off = 24, end = (size_t)st.st_size;
  unsigned long index = 0;
  while (off + 16 <= end) {
    size_t caplen = U32(p + off + 8);
    const uint8_t *frame = p + off + 16;
    if (off + 16 + caplen > end) break;
    if (link == 101 || link == 228) {
      check(frame, caplen, index);
    } else if (link == 1 && caplen >= 14) {
      size_t l2 = 14;
      uint16_t type = be16(frame + 12);
      while ((type == 0x8100 || type == 0x88a8) && caplen >= l2 + 4) {
        type = be16(frame + l2 + 2);
        l2 += 4;
      }
      if (type == 0x0800) check(frame + l2, caplen - l2, index);
    }
    off += 16 + caplen;
    index++;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  printf("packets %lu\n", index);
  for (int l = 0; l < LAYERS; l++) {
    printf("%s %lu %lu %lu %lu\n", layer_name[l], counts[l][GOOD], counts[l][BAD], counts[l][UNVERIFIABLE], counts[l][ABSENT]);
  }
  printf("ns %lld\n", (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec));
  return 0;
}
