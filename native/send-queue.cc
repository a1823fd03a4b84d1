// The send threads of a flood (send-queue.h says why), and the Socket methods that use them:
//
//   queueMany(buffers[], sockaddr | sockaddr[] | Uint32Array | null, tag) -> the time read just
//            before the batch was queued: every datagram of it leaves after that time. Datagram
//            i is tagged tag + i (the engine's probe numbers).
//   flushQueued()       waits until everything queued was handed to the kernel
//   takeSendFailures()  Float64Array of [tag, errno] per refused datagram, or null
//   setSendThreads(n)   threads for the queue queueMany makes -> how many it will have (1 for a
//                       socket that stamps its sends: the keys follow the order sent)
#include "send-queue.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <system_error>

#include "args.h"
#include "clock.h"
#include "socket.h"

namespace rawprobe {

namespace {

constexpr size_t kMaxPerCall = 1024;  // UIO_MAXIOV: the most one sendmmsg call takes

bool Transient(int err) { return err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS || err == ENOMEM; }

// Until done() or kSpinUs have passed: the CPU told we are spinning, the clock read now and then.
template <typename Done>
bool SpinUntil(Done done) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(SendQueue::kSpinUs);
  for (unsigned i = 1;; i++) {
    if (done()) return true;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
    if (i % 64 == 0 && std::chrono::steady_clock::now() >= until) return done();
  }
}

}  // namespace

SendQueue::SendQueue(int fd, int threads) : fd_(fd) {
  try {
    for (int i = 0; i < threads; i++) threads_.emplace_back([this] { Run(); });
  } catch (...) {
    // No thread to spare (EAGAIN): those already running end before the error goes on, since a
    // std::thread still joinable when destroyed ends the process.
    Stop();
    throw;
  }
}

void SendQueue::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_.store(true);
  }
  wake_.notify_all();
  room_.notify_all();
  for (auto& t : threads_) if (t.joinable()) t.join();
}

SendQueue::~SendQueue() { Stop(); }

void SendQueue::Push(QueuedBatch&& batch) {
  std::unique_lock<std::mutex> lock(mu_);
  // Datagrams to a connected socket's peer (no address) and addressed ones never share a batch.
  const bool addressed = !batch.addresses.empty();
  room_.wait(lock, [&] {
    return stop_.load() || (Waiting() < kMaxQueued &&
                            (Waiting() == 0 || queue_.addresses.empty() == !addressed));
  });
  if (stop_.load()) return;
  if (Waiting() == 0) {
    Restart(std::move(batch));
  } else {
    queue_.bytes.insert(queue_.bytes.end(), batch.bytes.begin(), batch.bytes.end());
    queue_.lengths.insert(queue_.lengths.end(), batch.lengths.begin(), batch.lengths.end());
    queue_.addresses.insert(queue_.addresses.end(), batch.addresses.begin(), batch.addresses.end());
    queue_.tags.insert(queue_.tags.end(), batch.tags.begin(), batch.tags.end());
  }
  Publish();
  const bool idle = AnyIdle();
  lock.unlock();
  if (idle) wake_.notify_one();
}

void SendQueue::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  room_.wait(lock, [this] { return stop_.load() || (Waiting() == 0 && busy_ == 0); });
}

std::vector<double> SendQueue::TakeFailures() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<double> out;
  out.swap(failures_);
  failed_.store(false, std::memory_order_release);
  return out;
}

void SendQueue::Fail(double tag, int err) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_.insert(failures_.end(), {tag, static_cast<double>(err)});
  failed_.store(true, std::memory_order_release);
}

void SendQueue::Run() {
  SendVector vector;
  for (;;) {
    QueuedBatch batch;
    bool more;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (Waiting() == 0 && !stop_.load()) {
        // Out of work: look again for a while before sleeping (kSpinUs says why).
        lock.unlock();
        SpinUntil([this] { return stop_.load() || waiting_.load(std::memory_order_acquire) > 0; });
        lock.lock();
      }
      wake_.wait(lock, [this] { return stop_.load() || Waiting() > 0; });
      if (stop_.load()) return;
      TakeChunk(&batch);
      Publish();
      busy_++;
      more = Waiting() > 0 && AnyIdle();
    }
    // The next chunk to an idle thread, so that every thread sends while the queue is long.
    if (more) wake_.notify_one();
    room_.notify_all();
    Send(batch, vector);
    {
      std::lock_guard<std::mutex> lock(mu_);
      busy_--;
      chunks_++;
    }
    room_.notify_all();
  }
}

// The first kChunk datagrams waiting (all of them when that is all there is) into `out`. What
// was taken is passed over (head_), not erased: a long queue (send --rate max keeps it full) would
// otherwise move every byte behind the chunk, for every chunk. It is dropped once all of it was
// taken, or once it is most of the queue.
void SendQueue::TakeChunk(QueuedBatch* out) {
  const size_t n = Waiting();
  if (head_ == 0 && n <= kChunk) {
    *out = std::move(queue_);
    Restart(QueuedBatch());
    return;
  }
  const size_t k = std::min(n, kChunk);
  size_t bytes = 0;
  for (size_t i = head_; i < head_ + k; i++) bytes += queue_.lengths[i];
  auto copy = [](const auto& from, auto& to, size_t at, size_t count) {
    to.assign(from.begin() + static_cast<std::ptrdiff_t>(at), from.begin() + static_cast<std::ptrdiff_t>(at + count));
  };
  copy(queue_.bytes, out->bytes, headByte_, bytes);
  copy(queue_.lengths, out->lengths, head_, k);
  copy(queue_.tags, out->tags, head_, k);
  if (!queue_.addresses.empty()) copy(queue_.addresses, out->addresses, head_, k);
  head_ += k;
  headByte_ += bytes;
  if (head_ == queue_.lengths.size()) {
    Restart(QueuedBatch());
  } else if (head_ >= Waiting()) {
    auto drop = [](auto& v, size_t count) { v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(count)); };
    drop(queue_.bytes, headByte_);
    drop(queue_.lengths, head_);
    drop(queue_.tags, head_);
    if (!queue_.addresses.empty()) drop(queue_.addresses, head_);
    head_ = 0;
    headByte_ = 0;
  }
}

// The queue is `batch` from now on, nothing of it taken yet.
void SendQueue::Restart(QueuedBatch&& batch) {
  queue_ = std::move(batch);
  head_ = 0;
  headByte_ = 0;
}

void SendQueue::AwaitChunk(int maxUs) {
  std::unique_lock<std::mutex> lock(mu_);
  if (busy_ == 0) return;
  const uint64_t now = chunks_.load();
  // The chunk's end is looked for a while before sleeping (kSpinUs says why).
  lock.unlock();
  if (SpinUntil([&] { return stop_.load() || chunks_.load(std::memory_order_acquire) != now; })) return;
  lock.lock();
  room_.wait_for(lock, std::chrono::microseconds(maxUs), [&] { return stop_.load() || chunks_.load() != now; });
}

// sendmmsg until every datagram went or failed: a transient refusal waits (for room in the
// send buffer, or a millisecond) and tries again, until kTransientGiveUpMs; any other skips it.
void SendQueue::Send(const QueuedBatch& batch, SendVector& vector) {
  const size_t count = batch.lengths.size();
  vector.Resize(count);
  size_t at = 0;
  for (size_t i = 0; i < count; i++) {
    vector.Set(i, batch.bytes.data() + at, batch.lengths[i], batch.addresses.empty() ? nullptr : &batch.addresses[i]);
    at += batch.lengths[i];
  }
  size_t sent = 0;
  auto waitingSince = std::chrono::steady_clock::time_point::min();
  while (sent < count && !stop_.load()) {
    const unsigned int chunk = static_cast<unsigned int>(std::min(count - sent, kMaxPerCall));
    const int rc = sendmmsg(fd_, &vector.headers[sent], chunk, MSG_NOSIGNAL);
    if (rc > 0) {
      sent += static_cast<size_t>(rc);
      waitingSince = std::chrono::steady_clock::time_point::min();
      continue;
    }
    const int err = rc < 0 ? errno : EIO;
    if (err == EINTR) continue;
    if (Transient(err)) {
      const auto now = std::chrono::steady_clock::now();
      if (waitingSince == std::chrono::steady_clock::time_point::min()) waitingSince = now;
      if (now - waitingSince < std::chrono::milliseconds(kTransientGiveUpMs)) {
        pollfd p{fd_, POLLOUT, 0};
        if (err == EAGAIN || err == EWOULDBLOCK) {
          poll(&p, 1, 1);
        } else {
          timespec pause{0, 1000000};
          nanosleep(&pause, nullptr);
        }
        continue;
      }
    }
    Fail(batch.tags[sent], err);
    sent++;
    waitingSince = std::chrono::steady_clock::time_point::min();
  }
}

// queueMany(buffers[], target, tag) -> the time before queueing (clock.h units).
Napi::Value Socket::QueueMany(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) throw InvalidArgType(env, "buffers must be an array of Buffers");
  Napi::Array buffers = info[0].As<Napi::Array>();
  const size_t count = buffers.Length();
  QueuedBatch batch;
  const double tag = static_cast<double>(IntegerArg(env, info[2], "tag", 0, (int64_t{1} << 53) - 1));
  batch.addresses = SendTargets(env, info[1], count);
  // One each, so that batches queued one after another go out as one.
  if (batch.addresses.size() == 1 && count > 1) batch.addresses.resize(count, batch.addresses[0]);
  batch.lengths.resize(count);
  batch.tags.resize(count);
  for (size_t i = 0; i < count; i++) {
    batch.tags[i] = tag + static_cast<double>(i);
    Bytes bytes = BytesArg(env, buffers.Get(static_cast<uint32_t>(i)), "buffers[i]");
    batch.bytes.insert(batch.bytes.end(), bytes.data, bytes.data + bytes.length);
    batch.lengths[i] = bytes.length;
  }
  CheckOpen(env, "send");
  if (!sendQueue_) {
    try {
      sendQueue_ = std::make_unique<SendQueue>(fd_, SendThreads());
    } catch (const std::system_error& e) {
      throw ErrnoError(env, e.code().value(), Context("pthread_create"));
    }
  }
  const double at = NowSinceBase();
  sendQueue_->Push(std::move(batch));
  return Napi::Number::New(env, at);
}

// setSendThreads(n) -> the threads queueMany's queue will have (made with the first call).
Napi::Value Socket::SetSendThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  sendThreads_ = static_cast<int>(IntegerArg(env, info[0], "threads", 1, SendQueue::kMaxThreads));
  return Napi::Number::New(env, SendThreads());
}

// A socket that stamps its sends keeps one thread: its stamps' keys count datagrams in the order
// the kernel took them, which only one thread keeps the same as the order queued.
int Socket::SendThreads() const { return TxTimestamping() ? 1 : sendThreads_; }

Napi::Value Socket::FlushQueued(const Napi::CallbackInfo& info) {
  if (sendQueue_) sendQueue_->Flush();
  return info.Env().Undefined();
}

Napi::Value Socket::TakeSendFailures(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!sendQueue_ || !sendQueue_->HasFailures()) return env.Null();
  const std::vector<double> failures = sendQueue_->TakeFailures();
  Napi::Float64Array out = Napi::Float64Array::New(env, failures.size());
  std::copy(failures.begin(), failures.end(), out.Data());
  return out;
}

}  // namespace rawprobe
