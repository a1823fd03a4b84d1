/* The ceiling for `rawprobe sweep -6 --rate max -f LIST`: the same sweep in C, on one thread, with
 * rawprobe's means: IPv6 headers of our own (IPV6_HDRINCL), echo requests with echo.h's data sent
 * with sendmmsg, up to 64 at a time, and after each call the answers read with recvmmsg until none
 * is left (the kernel's work for a probe, the lab's answer included, runs inside the send, so they
 * are there). Each target that answers is printed once, as fping prints it ("ADDR is alive");
 * answers are stamped by the kernel (SO_TIMESTAMPNS), as rawprobe's are. After the last send it
 * waits up to 500 ms (fping's -t) for the rest. fping sends one probe per sendto.
 * bench/ceilings.ts compiles it with cc at bench time.
 *
 *   sweep6-ceiling LIST SOURCE   the alive lines on stdout, "N of M alive" on stderr; exit 0 when
 *                                every listed address answered, 1 otherwise, 2 on bad input */
#define _GNU_SOURCE /* sendmmsg, recvmmsg */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "echo.h"

#ifndef IPV6_HDRINCL
#define IPV6_HDRINCL 36 /* linux/in6.h, Linux 4.5 */
#endif

#define LENGTH (40 + 8 + ECHO_DATA)
#define BATCH 64
#define READ_BATCH 64
#define WAIT_MS 500

static struct in6_addr *targets;
static size_t target_count;
static uint8_t *alive;
static size_t answered;
static uint16_t ident;
static int rx;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* The echo request to target k (sequence k + 1) from `source`, at p. */
static void echo_request6(uint8_t *p, const struct in6_addr *source, size_t k) {
  memset(p, 0, LENGTH);
  p[0] = 0x60;
  p[4] = (8 + ECHO_DATA) >> 8, p[5] = (8 + ECHO_DATA) & 0xff;
  p[6] = IPPROTO_ICMPV6, p[7] = 64;
  memcpy(p + 8, source, 16);
  memcpy(p + 24, &targets[k], 16);
  uint8_t *icmp = p + 40;
  const uint16_t seq = (uint16_t)(k + 1);
  icmp[0] = ICMP6_ECHO_REQUEST;
  icmp[4] = ident >> 8, icmp[5] = ident & 0xff, icmp[6] = seq >> 8, icmp[7] = seq & 0xff;
  for (int i = 0; i < ECHO_DATA; i++) icmp[8 + i] = (uint8_t)i;
  const uint32_t pseudo = sum16(p + 8, 32, 8 + ECHO_DATA + IPPROTO_ICMPV6); /* addresses, length, next header */
  const uint16_t checksum = checksum_of(sum16(icmp, 8 + ECHO_DATA, pseudo));
  memcpy(icmp + 2, &checksum, 2);
}

/* Reads every answer waiting, and prints each target's first. */
static void drain(void) {
  static uint8_t in[READ_BATCH][2048];
  static char control[READ_BATCH][64];
  static struct iovec iov[READ_BATCH];
  static struct mmsghdr msgs[READ_BATCH];
  static struct sockaddr_in6 from[READ_BATCH];
  char text[INET6_ADDRSTRLEN];
  for (;;) {
    for (int i = 0; i < READ_BATCH; i++) {
      iov[i] = (struct iovec){in[i], sizeof in[i]};
      msgs[i].msg_hdr = (struct msghdr){.msg_name = &from[i], .msg_namelen = sizeof from[i], .msg_iov = &iov[i], .msg_iovlen = 1, .msg_control = control[i], .msg_controllen = sizeof control[i]};
    }
    int got = recvmmsg(rx, msgs, READ_BATCH, MSG_DONTWAIT, NULL);
    if (got <= 0) return;
    for (int i = 0; i < got; i++) {
      const uint8_t *b = in[i];
      if (msgs[i].msg_len < 8 || b[0] != ICMP6_ECHO_REPLY || (b[4] << 8 | b[5]) != ident) continue;
      size_t k = (size_t)(b[6] << 8 | b[7]) - 1;
      if (k >= target_count || alive[k] || memcmp(&from[i].sin6_addr, &targets[k], 16) != 0) continue;
      alive[k] = 1;
      answered++;
      inet_ntop(AF_INET6, &targets[k], text, sizeof text);
      fputs(text, stdout);
      fputs(" is alive\n", stdout);
    }
    if (got < READ_BATCH) return;
  }
}

static int read_list(const char *path) {
  FILE *f = fopen(path, "r");
  if (f == NULL) { perror(path); return -1; }
  size_t cap = 1024;
  targets = malloc(cap * sizeof *targets);
  char line[256];
  while (targets != NULL && fgets(line, sizeof line, f) != NULL) {
    line[strcspn(line, "\r\n")] = 0;
    if (line[0] == 0) continue;
    if (target_count == cap) targets = realloc(targets, (cap *= 2) * sizeof *targets);
    if (targets != NULL && inet_pton(AF_INET6, line, &targets[target_count++]) != 1) {
      fprintf(stderr, "%s: not an IPv6 address: %s\n", path, line);
      fclose(f);
      return -1;
    }
  }
  fclose(f);
  if (targets == NULL) { fprintf(stderr, "out of memory\n"); return -1; }
  if (target_count == 0 || target_count > 65535) { fprintf(stderr, "%s: 1 to 65,535 addresses (16-bit sequence numbers)\n", path); return -1; }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: sweep6-ceiling LIST SOURCE\n"); return 2; }
  if (read_list(argv[1]) != 0) return 2;
  struct in6_addr source;
  if (inet_pton(AF_INET6, argv[2], &source) != 1) { fprintf(stderr, "not an IPv6 address: %s\n", argv[2]); return 2; }
  alive = calloc(target_count, 1);
  ident = (uint16_t)getpid();

  const int tx = socket(AF_INET6, SOCK_RAW, IPPROTO_RAW), on = 1, rcvbuf = 4 << 20;
  rx = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
  if (tx < 0 || rx < 0) { perror("socket"); return 2; }
  if (setsockopt(tx, IPPROTO_IPV6, IPV6_HDRINCL, &on, sizeof on) < 0) { perror("IPV6_HDRINCL"); return 2; }
  struct icmp6_filter filter;
  ICMP6_FILTER_SETBLOCKALL(&filter);
  ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
  setsockopt(rx, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter);
  if (setsockopt(rx, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0) setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  setsockopt(rx, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);

  static uint8_t packets[BATCH][LENGTH];
  static struct sockaddr_in6 to[BATCH];
  static struct iovec iov[BATCH];
  static struct mmsghdr msgs[BATCH];
  for (size_t next = 0; next < target_count;) {
    int count = 0;
    for (; count < BATCH && next < target_count; count++, next++) {
      echo_request6(packets[count], &source, next);
      to[count] = (struct sockaddr_in6){.sin6_family = AF_INET6, .sin6_addr = targets[next]};
      iov[count] = (struct iovec){packets[count], LENGTH};
      msgs[count].msg_hdr = (struct msghdr){.msg_name = &to[count], .msg_namelen = sizeof to[count], .msg_iov = &iov[count], .msg_iovlen = 1};
    }
    for (int sent = 0; sent < count;) {
      const int r = sendmmsg(tx, msgs + sent, (unsigned)(count - sent), 0);
      if (r < 0 && errno != EAGAIN && errno != ENOBUFS) { perror("sendmmsg"); return 1; }
      if (r > 0) sent += r;
      drain();
    }
  }
  const double until = now_ms() + WAIT_MS;
  while (answered < target_count) {
    const double left = until - now_ms();
    if (left <= 0) break;
    struct pollfd p = {rx, POLLIN, 0};
    if (poll(&p, 1, (int)left + 1) > 0) drain();
  }
  fflush(stdout);
  fprintf(stderr, "%zu of %zu alive\n", answered, target_count);
  return answered == target_count ? 0 : 1;
}
