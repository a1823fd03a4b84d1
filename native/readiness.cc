// Readiness: the poll handle only tells JavaScript "readable", "writable" or "an error is
// pending", and JavaScript makes the calls itself (accept, recv, send in connection.cc and
// transfer.cc, each returning EAGAIN as a value). Which calls wait, in what order, for how
// long, is TypeScript's business (lib/socket/classic/); this file only watches.
//
//   watch(callback, events)   poll for readiness::kReadable | kWritable; 0 stops polling and
//                             lets go of the callback (the stopped handle is kept for next time)
//   callback(events)          what came, a readiness:: bit mask
//   callback(kFailed, error)  polling failed for good; watching has stopped
//
// POLLERR reaches us from libuv as status UV_EBADF with the handle stopped: we report
// kError with every bit being watched (each waiting call may learn the error by trying), then
// start the handle again ourselves, so JavaScript's idea of what is watched stays true.
#include <fcntl.h>

#include "args.h"
#include "socket.h"

namespace rawprobe {

namespace {

constexpr int kWatchable = readiness::kReadable | readiness::kWritable;
// POLLERR wake-ups in a row with no ordinary one between: a socket whose error nobody can
// clear (an IP_RECVERR queue the classic calls never read) would otherwise spin the loop.
constexpr int kMaxErrorWakes = 64;

int UvEvents(int mask) {
  return ((mask & readiness::kReadable) != 0 ? UV_READABLE : 0) |
         ((mask & readiness::kWritable) != 0 ? UV_WRITABLE : 0);
}

}  // namespace

Napi::Value Socket::Watch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int mask = static_cast<int>(IntegerArg(env, info[1], "events", 0, kWatchable));
  if (mask == 0) {
    if (mode_ == PollMode::kReadiness) PauseWatching();
    return env.Undefined();
  }
  if (!info[0].IsFunction()) throw InvalidArgType(env, "callback must be a function");
  CheckOpen(env, "wait for the socket");
  if (mode_ == PollMode::kBatches) {
    throw CodedError(env, "ERR_SOCKET_RECEIVING",
                     "the socket is receiving batches (startReceiving): stop that before "
                     "waiting for readiness");
  }
  poll_.Open(env, fd_, this);
  Napi::Function callback = info[0].As<Napi::Function>();
  if (callback_.IsEmpty() || !callback_.Value().StrictEquals(callback)) {
    callback_ = Napi::Persistent(callback);
  }
  if (!async_) async_ = std::make_unique<Napi::AsyncContext>(env, "rawprobe:socket", Value());
  const int rc = poll_.Start(UvEvents(mask), &Socket::OnPoll);
  if (rc != 0) {
    PauseWatching();
    throw CodedError(env, "ERR_SOCKET_POLL",
                     std::string("uv_poll_start failed: ") + uv_strerror(rc));
  }
  if (mode_ != PollMode::kReadiness) unexplainedErrors_ = 0;
  mode_ = PollMode::kReadiness;
  interest_ = mask;
  Pin();
  return env.Undefined();
}

void Socket::PauseWatching() {
  poll_.Pause();
  mode_ = PollMode::kNone;
  interest_ = 0;
  callback_.Reset();
  async_.reset();
  Unpin();
}

// Polling failed for good: deliver (kFailed, ERR_SOCKET_POLL) and stop watching.
void Socket::FailWatching(const std::string& why) {
  Napi::Env env = Env();
  Napi::Error error = CodedError(env, "ERR_SOCKET_POLL", why + "; waiting stopped");
  // Keep the callback for this one delivery, then let go of everything.
  poll_.Pause();
  interest_ = 0;
  Emit({Napi::Number::New(env, readiness::kFailed), error.Value()});
  if (mode_ == PollMode::kReadiness) PauseWatching();
}

void Socket::HandleReady(int status, int events) {
  Napi::Env env = Env();
  if (status == 0) {
    unexplainedErrors_ = 0;
    const int out = ((events & UV_READABLE) != 0 ? readiness::kReadable : 0) |
                    ((events & UV_WRITABLE) != 0 ? readiness::kWritable : 0);
    if (out != 0) Emit({Napi::Number::New(env, out)});
    return;
  }
  if (status != UV_EBADF || fd_ < 0 || fcntl(fd_, F_GETFD) < 0) {
    FailWatching(std::string("polling the socket failed: ") + uv_err_name(status) + " (" +
                 uv_strerror(status) + ")");
    return;
  }
  if (++unexplainedErrors_ > kMaxErrorWakes) {
    FailWatching("the socket keeps reporting an error that no call clears");
    return;
  }
  const int watched = interest_;
  Emit({Napi::Number::New(env, watched | readiness::kError)});
  // libuv stopped the handle; JavaScript still wants what it last asked for (unless the
  // callback changed it through watch(), which started the handle again itself).
  if (mode_ == PollMode::kReadiness && poll_.IsOpen() && interest_ == watched && !poll_.IsActive()) {
    const int rc = poll_.Start(UvEvents(interest_), &Socket::OnPoll);
    if (rc != 0) FailWatching(std::string("uv_poll_start failed: ") + uv_strerror(rc));
  }
}

}  // namespace rawprobe
