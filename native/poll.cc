// The poll handle both receiving modes share (socket.h): made, started, stopped and freed
// here; each wake-up goes to receive.cc (batches) or readiness.cc (readiness); every call
// into JavaScript goes through Emit.
//
// node-addon-api has no uv_poll wrapper: the Socket owns the uv_poll_t, gets the loop with
// napi_get_uv_event_loop, frees the handle in the uv_close callback, and calls JavaScript with
// MakeCallback so microtasks (promise reactions) run after each wake-up.
#include "socket.h"

namespace rawprobe {

void Socket::StopPoll() {
  if (poll_ != nullptr) {
    uv_poll_stop(poll_);
    poll_->data = nullptr;  // a callback already queued must not reach a dead Socket
    uv_close(reinterpret_cast<uv_handle_t*>(poll_), &Socket::OnPollClosed);
    poll_ = nullptr;
  }
  mode_ = PollMode::kNone;
  interest_ = 0;
  scratch_.reset();
  Unpin();
}

void Socket::Pin() {
  if (pinned_) return;
  ObjectWrap::Ref();
  pinned_ = true;
}

void Socket::Unpin() {
  if (!pinned_) return;
  pinned_ = false;
  // Let the wrapper be collected again. Never during destruction: the count is gone.
  ObjectWrap::Unref();
}

void Socket::EnsurePoll(Napi::Env env) {
  if (poll_ != nullptr) return;
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) {
    throw CodedError(env, "ERR_SOCKET_POLL", "could not reach the libuv event loop");
  }
  auto* handle = new uv_poll_t;
  const int rc = uv_poll_init_socket(loop, handle, fd_);
  if (rc != 0) {
    delete handle;  // never initialised: no uv_close needed
    throw CodedError(env, "ERR_SOCKET_POLL",
                     std::string("uv_poll_init_socket failed: ") + uv_strerror(rc));
  }
  handle->data = this;
  if (!refed_) uv_unref(reinterpret_cast<uv_handle_t*>(handle));
  poll_ = handle;
}

void Socket::OnPollClosed(uv_handle_t* handle) { delete reinterpret_cast<uv_poll_t*>(handle); }

void Socket::OnPoll(uv_poll_t* handle, int status, int events) {
  auto* self = static_cast<Socket*>(handle->data);
  if (self == nullptr) return;
  Napi::Env env = self->Env();
  Napi::HandleScope scope(env);
  Napi::Object keepAlive = self->Value();  // the wrapper cannot be collected mid-wake
  (void)keepAlive;
  if (self->mode_ == PollMode::kReadiness) {
    self->HandleReady(status, events);
  } else {
    self->HandleWake(status);
  }
}

void Socket::Emit(const std::vector<napi_value>& args) {
  if (callback_.IsEmpty() || !async_) return;
  Napi::Env env = Env();
  try {
    callback_.MakeCallback(Value(), args, *async_);
  } catch (const Napi::Error& e) {
    // A listener threw: that is the application's uncaught exception, not ours.
    napi_fatal_exception(env, e.Value());
  }
}

}  // namespace rawprobe
