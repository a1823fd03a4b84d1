/* The ceiling for `rawprobe send --rate max`: a raw socket with IP_HDRINCL, 64 ICMP echo
 * requests built once (56 data bytes, as the other flood rows send), handed to the kernel with
 * sendmmsg 64 at a time, over and over, as fast as the socket takes them (a full send buffer is
 * tried again at once, never waited on), by THREADS threads on the one socket (default 1: the
 * kernel's work for a packet runs on the CPU of the thread that sends it, so more threads use
 * more CPUs, as rawprobe's send threads do). Nothing is read back.
 * bench/ceilings.ts compiles it with cc at bench time.
 *
 *   raw-sender TARGET COUNT [THREADS]   prints "sent N" when COUNT went out, or on SIGINT/SIGTERM
 */
#define _GNU_SOURCE /* sendmmsg */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "echo.h"

#define BATCH 64
#define MAX_THREADS 16

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static int fd;
static struct mmsghdr msgs[BATCH];
static unsigned long count;
static atomic_ulong claimed; /* datagrams a thread has taken on: never more than count in all */
static atomic_ulong sent;

/* One thread's loop: a batch at a time, claimed first so that all threads together stop at count. */
static void *send_loop(void *unused) {
  (void)unused;
  struct mmsghdr mine[BATCH];
  memcpy(mine, msgs, sizeof mine);
  while (!stop) {
    unsigned long from = atomic_fetch_add(&claimed, BATCH);
    if (from >= count) break;
    unsigned int want = count - from < BATCH ? (unsigned int)(count - from) : BATCH;
    unsigned int done = 0;
    while (done < want && !stop) {
      /* Never asleep in the kernel: a full send buffer is tried again at once, as a flood does. */
      int n = sendmmsg(fd, mine + done, want - done, MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EINTR || errno == ENOBUFS || errno == EAGAIN) continue;
        perror("raw-sender: sendmmsg");
        stop = 1;
        break;
      }
      done += (unsigned int)n;
    }
    atomic_fetch_add(&sent, done);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 3 && argc != 4) {
    fprintf(stderr, "usage: raw-sender TARGET COUNT [THREADS]\n");
    return 2;
  }
  const int threads = argc == 4 ? atoi(argv[3]) : 1;
  if (threads < 1 || threads > MAX_THREADS) {
    fprintf(stderr, "raw-sender: THREADS is 1-%d\n", MAX_THREADS);
    return 2;
  }
  struct sockaddr_in to = {.sin_family = AF_INET};
  if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
    fprintf(stderr, "raw-sender: %s is not an IPv4 address\n", argv[1]);
    return 2;
  }
  count = strtoul(argv[2], NULL, 10);
  fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  int on = 1;
  if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on, sizeof on) < 0) {
    perror("raw-sender: socket");
    return 2;
  }
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);

  static uint8_t packets[BATCH][ECHO_LENGTH];
  static struct iovec iov[BATCH];
  for (int i = 0; i < BATCH; i++) {
    echo_request(packets[i], to.sin_addr, 0x4321, (uint16_t)(i + 1));
    iov[i].iov_base = packets[i];
    iov[i].iov_len = ECHO_LENGTH;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = &to;
    msgs[i].msg_hdr.msg_namelen = sizeof to;
  }

  pthread_t others[MAX_THREADS];
  for (int t = 1; t < threads; t++) pthread_create(&others[t], NULL, send_loop, NULL);
  send_loop(NULL);
  for (int t = 1; t < threads; t++) pthread_join(others[t], NULL);
  printf("sent %lu\n", atomic_load(&sent));
  return 0;
}
