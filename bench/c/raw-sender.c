/* The ceiling for `rawprobe send --rate max`: a raw socket with IP_HDRINCL, 64 ICMP echo
 * requests built once (56 data bytes, as the other flood rows send), handed to the kernel with
 * sendmmsg 64 at a time, over and over, as fast as the socket takes them (a full send buffer is
 * tried again at once, never waited on). Nothing is read back.
 * bench/rows/ceilings.ts compiles it with cc at bench time.
 *
 *   raw-sender TARGET COUNT        prints "sent N" when COUNT went out, or on SIGINT/SIGTERM
 */
#define _GNU_SOURCE /* sendmmsg */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 64
#define DATA 56
#define LENGTH (20 + 8 + DATA)

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static uint16_t checksum(const void *p, size_t n) {
  const uint8_t *b = p;
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < n; i += 2) sum += (uint32_t)(b[i] << 8 | b[i + 1]);
  if (n & 1) sum += (uint32_t)b[n - 1] << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return htons((uint16_t)~sum);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: raw-sender TARGET COUNT\n");
    return 2;
  }
  struct sockaddr_in to = {.sin_family = AF_INET};
  if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
    fprintf(stderr, "raw-sender: %s is not an IPv4 address\n", argv[1]);
    return 2;
  }
  const unsigned long count = strtoul(argv[2], NULL, 10);
  int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  int on = 1;
  if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on, sizeof on) < 0) {
    perror("raw-sender: socket");
    return 2;
  }
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);

  static uint8_t packets[BATCH][LENGTH];
  struct iovec iov[BATCH];
  struct mmsghdr msgs[BATCH];
  memset(msgs, 0, sizeof msgs);
  for (int i = 0; i < BATCH; i++) {
    struct iphdr *ip = (struct iphdr *)packets[i];
    ip->version = 4;
    ip->ihl = 5;
    ip->tot_len = htons(LENGTH);
    ip->id = htons((uint16_t)(i + 1));
    ip->ttl = 64;
    ip->protocol = IPPROTO_ICMP;
    ip->daddr = to.sin_addr.s_addr; /* source 0.0.0.0: the kernel fills it in */
    struct icmphdr *icmp = (struct icmphdr *)(packets[i] + 20);
    icmp->type = ICMP_ECHO;
    icmp->un.echo.id = htons(0x4321);
    icmp->un.echo.sequence = htons((uint16_t)(i + 1));
    for (int k = 0; k < DATA; k++) packets[i][28 + k] = (uint8_t)k;
    icmp->checksum = checksum(icmp, 8 + DATA);
    iov[i].iov_base = packets[i];
    iov[i].iov_len = LENGTH;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = &to;
    msgs[i].msg_hdr.msg_namelen = sizeof to;
  }

  unsigned long sent = 0;
  while (!stop && sent < count) {
    unsigned int want = count - sent < BATCH ? (unsigned int)(count - sent) : BATCH;
    /* Never asleep in the kernel: a full send buffer is tried again at once, as a flood does. */
    int n = sendmmsg(fd, msgs, want, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR || errno == ENOBUFS || errno == EAGAIN) continue;
      perror("raw-sender: sendmmsg");
      break;
    }
    sent += (unsigned long)n;
  }
  printf("sent %lu\n", sent);
  return 0;
}
