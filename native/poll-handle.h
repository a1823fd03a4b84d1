// The uv_poll_t a wrapped descriptor owns (Socket, Capture), and the one way both call into
// JavaScript from a wake-up. node-addon-api has no uv_poll wrapper: the handle is made on the loop
// napi_get_uv_event_loop gives, freed in uv_close's callback (never before), and keeps the
// ref()/unref() choice when it is made again after a stop.
#pragma once

#include <napi.h>
#include <uv.h>

#include <string>
#include <vector>

#include "errors.h"

namespace rawprobe {

class PollHandle {
 public:
  PollHandle() = default;
  PollHandle(const PollHandle&) = delete;
  PollHandle& operator=(const PollHandle&) = delete;
  ~PollHandle() { Close(); }

  bool IsOpen() const { return poll_ != nullptr; }
  bool IsActive() const { return poll_ != nullptr && uv_is_active(AsHandle(poll_)) != 0; }

  // Makes the handle for fd (stopped) if there is none; each wake-up reaches `owner` as
  // handle->data. Throws ERR_SOCKET_POLL.
  void Open(Napi::Env env, int fd, void* owner) {
    if (poll_ != nullptr) return;
    uv_loop_t* loop = nullptr;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) {
      throw CodedError(env, "ERR_SOCKET_POLL", "could not reach the libuv event loop");
    }
    auto* handle = new uv_poll_t;
    const int rc = uv_poll_init_socket(loop, handle, fd);
    if (rc != 0) {
      delete handle;  // never initialised: no uv_close needed
      throw CodedError(env, "ERR_SOCKET_POLL", std::string("uv_poll_init_socket failed: ") + uv_strerror(rc));
    }
    handle->data = owner;
    if (!refed_) uv_unref(AsHandle(handle));
    poll_ = handle;
  }

  // uv_poll_start on the open handle: 0 or a libuv error.
  int Start(int events, uv_poll_cb onPoll) { return uv_poll_start(poll_, events, onPoll); }
  void Pause() {
    if (poll_ != nullptr) uv_poll_stop(poll_);
  }

  // Stops the handle and lets libuv free it. Safe twice.
  void Close() {
    if (poll_ == nullptr) return;
    uv_poll_stop(poll_);
    poll_->data = nullptr;  // a callback already queued must not reach a dead owner
    uv_close(AsHandle(poll_), [](uv_handle_t* handle) { delete reinterpret_cast<uv_poll_t*>(handle); });
    poll_ = nullptr;
  }

  // ref()/unref(): whether the handle keeps the loop alive, now and when it is made again.
  Napi::Value SetRefed(const Napi::CallbackInfo& info, bool refed) {
    refed_ = refed;
    if (poll_ != nullptr) (refed ? uv_ref : uv_unref)(AsHandle(poll_));
    return info.Env().Undefined();
  }

 private:
  static uv_handle_t* AsHandle(uv_poll_t* poll) { return reinterpret_cast<uv_handle_t*>(poll); }

  uv_poll_t* poll_ = nullptr;
  bool refed_ = true;
};

// Calls the owner's callback from a wake-up with MakeCallback, so microtasks (promise reactions)
// run after it. A listener that throws is the application's uncaught exception, not ours.
inline void CallJavaScript(Napi::Env env, Napi::FunctionReference& callback, Napi::AsyncContext* async,
                           Napi::Object receiver, const std::vector<napi_value>& args) {
  if (callback.IsEmpty() || async == nullptr) return;
  try {
    callback.MakeCallback(receiver, args, *async);
  } catch (const Napi::Error& e) {
    napi_fatal_exception(env, e.Value());
  }
}

}  // namespace rawprobe
