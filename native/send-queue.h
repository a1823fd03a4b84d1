// Sends on threads of their own, for a flood: the datagrams JavaScript queues are copied and
// handed to the kernel (sendmmsg) by the socket's send threads, while the JavaScript thread reads
// the answers and encodes the next probes.
//
// Why a thread: on Linux the whole path of a packet a namespace lab forwards (every veth hop,
// every router, the answer coming back and queued on our socket) runs inside the sendmmsg call
// that sent it, on the caller's CPU. A flood through a lab therefore spends most of its time in
// the send call; with the sends on a second CPU, reading and bookkeeping no longer wait for them.
// Why more than one: that kernel work then runs on every CPU a thread is on (send --rate max on
// two CPUs sends about twice what one thread does, in a lab and on loopback alike).
//
// With one thread the queue keeps the kernel's order (one thread sends, in the order queued), so
// send-stamp keys (SOF_TIMESTAMPING_OPT_ID) follow the datagrams as they do for a direct send.
// With several, each takes the next chunk in turn and chunks may leave in another order; the
// socket gives a sender that stamps its sends one thread only (Socket::SetSendThreads). A
// transient refusal (a full send buffer, EAGAIN; a full device queue, ENOBUFS) is retried on the
// thread after a millisecond, as the engine backs off, for up to kTransientGiveUpMs; any other
// refusal, or one that lasts longer, is a failure of that datagram, taken later with
// TakeFailures(), and the datagrams after it are still sent. Mechanism only: what a failure means
// is lib/probe's.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "send-vector.h"
#include "sockaddr.h"

namespace rawprobe {

// Queued datagrams: their bytes back to back, where each goes, the caller's number for each.
struct QueuedBatch {
  std::vector<uint8_t> bytes;       // the datagrams, back to back
  std::vector<size_t> lengths;      // each one's length
  std::vector<Sockaddr> addresses;  // one each, or none (a connected socket)
  std::vector<double> tags;         // each one's number (the engine's probe number)
};

class SendQueue {
 public:
  // `threads` threads send from `fd` (1 keeps the order queued).
  SendQueue(int fd, int threads);
  ~SendQueue();
  SendQueue(const SendQueue&) = delete;
  SendQueue& operator=(const SendQueue&) = delete;

  // Queues datagrams after those waiting (one batch for the thread's next sendmmsg calls);
  // waits while kMaxQueued datagrams are already waiting.
  void Push(QueuedBatch&& batch);
  // Waits until every queued datagram was handed to the kernel (or failed).
  void Flush();
  // While a thread is sending, waits (at most `maxUs`) until a chunk it took is all sent: its
  // answers are then all queued on the socket, to be read in one go.
  void AwaitChunk(int maxUs);
  // Failures since the last call, two numbers each: the datagram's tag, errno.
  std::vector<double> TakeFailures();
  bool HasFailures() const { return failed_.load(std::memory_order_acquire); }

  // Datagrams waiting at most: plenty to keep the thread busy while JavaScript reads.
  static constexpr size_t kMaxQueued = 4096;
  // Datagrams the thread takes at a time: JavaScript reads the answers of one chunk while the
  // thread sends the next.
  static constexpr size_t kChunk = 32;
  // How long a datagram is retried while the kernel says "not now".
  static constexpr int kTransientGiveUpMs = 100;
  // The most send threads a socket may have.
  static constexpr int kMaxThreads = 16;
  // How long a thread that ran out of work, and JavaScript waiting for a chunk, look again and
  // again before they sleep. A flood's next chunk (and a chunk's end) comes within this; a sleeper
  // must be woken, a futex call and, in a VM, an interrupt to its CPU, which cost the send thread
  // (the flood's bottleneck: the lab's forwarding runs in its sendmmsg) about what a packet does.
  static constexpr int kSpinUs = 100;

 private:
  size_t Waiting() const { return queue_.lengths.size() - head_; }
  // Whether a thread waits for work (under mu_).
  bool AnyIdle() const { return busy_ < static_cast<int>(threads_.size()); }
  // Every thread told to end, and joined.
  void Stop();
  void Run();
  void TakeChunk(QueuedBatch* out);
  void Restart(QueuedBatch&& batch);
  // Waiting() published for threads that spin (under mu_).
  void Publish() { waiting_.store(Waiting(), std::memory_order_release); }
  // Sends `batch` with `vector`, the calling thread's own (reused chunk after chunk).
  void Send(const QueuedBatch& batch, SendVector& vector);
  void Fail(double tag, int err);

  const int fd_;
  std::mutex mu_;
  std::condition_variable wake_;  // the thread: a batch came, or stop
  std::condition_variable room_;  // JavaScript: room in the queue, or everything sent
  QueuedBatch queue_;  // what waits from head_ on (what comes before was taken), in chunks
  size_t head_ = 0;      // the first datagram of queue_ not taken yet
  size_t headByte_ = 0;  // where its bytes start
  int busy_ = 0;  // threads sending a chunk now
  std::atomic<uint64_t> chunks_{0};  // chunks sent so far (changed under mu_, read while spinning)
  std::atomic<size_t> waiting_{0};   // Waiting(), for a thread that spins (set under mu_)
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  std::vector<double> failures_;
  std::vector<std::thread> threads_;  // last: started once everything above exists
};

}  // namespace rawprobe
