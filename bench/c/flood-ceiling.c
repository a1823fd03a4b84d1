/* The ceiling for `rawprobe ping -f`: an IPv4 echo flood with every probe timed by the kernel at
 * both ends, as ours is (SO_TIMESTAMPING: software send stamps through the error queue, keyed with
 * OPT_ID and carrying no packet (OPT_TSONLY); software receive stamps), in C, on one thread that
 * sends and reads: the probes go out with sendmmsg, up to 32 at a time, while fewer than WINDOW
 * are unanswered (64, as ping -f's window); after each send the answers and the send stamps are
 * read with recvmmsg until none is left. When nothing moves for 10 ms one more probe may go, as
 * iputils' ping -f does, so a lost answer never stalls it. The probes are echo.h's, with IPv4
 * headers of our own (IP_HDRINCL), as rawprobe's are.
 *
 * One thread on purpose: the kernel's work for a probe (the lab's forwarding, the answer's way
 * back into the socket) runs in the sending call on the sender's CPU, and reading the answers on
 * that same CPU keeps every buffer in its cache. Measured against a sender thread beside a reading
 * thread, this was the faster of the two here.
 * bench/ceilings.ts compiles it with cc at bench time.
 *
 *   flood-ceiling TARGET SECONDS COUNT   prints "N packets transmitted, M received" (ping's words)
 *                                        after SECONDS, COUNT answers, or SIGINT/SIGTERM
 */
#define _GNU_SOURCE /* sendmmsg, recvmmsg */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/net_tstamp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "echo.h"

#define WINDOW 64
#define BATCH 32
#define READ_BATCH 64
#define IDLE_MS 10

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static int fd;
static struct sockaddr_in target;
static unsigned short ident;
static unsigned long sent, received, stamps;

static uint8_t out[BATCH][ECHO_LENGTH];
static struct mmsghdr out_msgs[BATCH];
static struct iovec out_iov[BATCH];

static unsigned char in[READ_BATCH][2048];
static unsigned char in_control[READ_BATCH][256];
static struct mmsghdr in_msgs[READ_BATCH];
static struct iovec in_iov[READ_BATCH];

static void send_some(unsigned int n) {
  for (unsigned int k = 0; k < n; k++) echo_request(out[k], target.sin_addr, ident, (uint16_t)(sent + k));
  int done = sendmmsg(fd, out_msgs, n, MSG_DONTWAIT);
  if (done > 0) sent += (unsigned long)done;
}

/* One recvmmsg of answers (or, with MSG_ERRQUEUE, of send stamps): how many it read. */
static int read_some(int flags) {
  for (int i = 0; i < READ_BATCH; i++) {
    in_msgs[i].msg_hdr.msg_controllen = sizeof in_control[i];
    in_msgs[i].msg_hdr.msg_flags = 0;
  }
  int n = recvmmsg(fd, in_msgs, READ_BATCH, flags | MSG_DONTWAIT, NULL);
  if (n <= 0) return 0;
  if (flags & MSG_ERRQUEUE) {
    stamps += (unsigned long)n;
    return n;
  }
  for (int i = 0; i < n; i++) {
    const unsigned char *p = in[i];
    const unsigned int length = in_msgs[i].msg_len;
    const unsigned int header = (unsigned int)(p[0] & 0x0f) * 4;
    if (length < header + 8) continue;
    const unsigned char *icmp = p + header;
    if (icmp[0] == 0 && (unsigned short)(icmp[4] << 8 | icmp[5]) == ident) received++;
  }
  return n;
}

static double seconds_since(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: flood-ceiling TARGET SECONDS COUNT\n");
    return 2;
  }
  memset(&target, 0, sizeof target);
  target.sin_family = AF_INET;
  if (inet_pton(AF_INET, argv[1], &target.sin_addr) != 1) {
    fprintf(stderr, "flood-ceiling: not an IPv4 address: %s\n", argv[1]);
    return 2;
  }
  const double limit = atof(argv[2]);
  const unsigned long count = strtoul(argv[3], NULL, 10);
  ident = (unsigned short)(getpid() & 0xffff);

  fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  if (fd < 0) {
    perror("flood-ceiling: socket");
    return 1;
  }
  int one = 1;
  int stamping = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE |
                 SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY;
  if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof one) < 0 ||
      setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &stamping, sizeof stamping) < 0) {
    perror("flood-ceiling: setsockopt");
    return 1;
  }
  for (int k = 0; k < BATCH; k++) {
    out_iov[k].iov_base = out[k];
    out_iov[k].iov_len = ECHO_LENGTH;
    out_msgs[k].msg_hdr.msg_name = &target;
    out_msgs[k].msg_hdr.msg_namelen = sizeof target;
    out_msgs[k].msg_hdr.msg_iov = &out_iov[k];
    out_msgs[k].msg_hdr.msg_iovlen = 1;
  }
  for (int i = 0; i < READ_BATCH; i++) {
    in_iov[i].iov_base = in[i];
    in_iov[i].iov_len = sizeof in[i];
    in_msgs[i].msg_hdr.msg_iov = &in_iov[i];
    in_msgs[i].msg_hdr.msg_iovlen = 1;
    in_msgs[i].msg_hdr.msg_control = in_control[i];
  }
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);

  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  unsigned long lost = 0; /* probes given up on after IDLE_MS of silence: room for more */
  while (!stop && received < count && seconds_since(&t0) < limit) {
    /* A probe given up on may still be answered late: never count below nothing outstanding. */
    const unsigned long settled = received + lost;
    const unsigned long out_now = sent > settled ? sent - settled : 0;
    const unsigned long room = out_now >= WINDOW ? 0 : WINDOW - out_now;
    const unsigned long left = count > sent ? count - sent : 0;
    unsigned int n = (unsigned int)(room < left ? room : left);
    if (n > BATCH) n = BATCH;
    if (n > 0) send_some(n);
    int moved = 0;
    while (read_some(0) > 0) moved = 1;
    while (read_some(MSG_ERRQUEUE) > 0) moved = 1;
    if (!moved && n == 0) {
      struct pollfd p = {.fd = fd, .events = POLLIN};
      if (poll(&p, 1, IDLE_MS) == 0 && sent > received + lost) lost++;
    }
  }
  printf("%lu packets transmitted, %lu received, %lu send stamps\n", sent, received, stamps);
  return 0;
}
