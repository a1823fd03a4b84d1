// A descriptor wrapped for JavaScript together with the poll handle that watches it (Socket,
// Capture): what both show JavaScript of their life (close(), ref(), unref(), fd), the pin that
// keeps the wrapper alive while the poll may call into JavaScript, and the environment cleanup
// hook that still releases the descriptor when a worker exits before close(). T gives
// CloseNow(), and calls it in its own destructor (T is gone by the time ours runs).
#pragma once

#include <napi.h>

#include "poll-handle.h"

namespace rawprobe {

template <typename T>
class PolledWrap : public Napi::ObjectWrap<T> {
 public:
  explicit PolledWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<T>(info) {}
  ~PolledWrap() override {
    if (cleanupRegistered_) {
      cleanupRegistered_ = false;
      cleanupHook_.Remove(this->Env());
    }
  }

 protected:
  // Once the descriptor is open: if the environment goes away (worker exit) before close(),
  // the descriptor is still released.
  void CloseOnEnvCleanup(Napi::Env env) {
    cleanupHook_ = env.AddCleanupHook(&PolledWrap::OnEnvCleanup, static_cast<T*>(this));
    cleanupRegistered_ = true;
  }

  // close() -> whether the descriptor was open. Safe twice.
  Napi::Value Close(const Napi::CallbackInfo& info) {
    const bool wasOpen = fd_ >= 0;
    static_cast<T*>(this)->CloseNow();
    return Napi::Boolean::New(info.Env(), wasOpen);
  }
  Napi::Value Ref(const Napi::CallbackInfo& info) { return poll_.SetRefed(info, true); }
  Napi::Value Unref(const Napi::CallbackInfo& info) { return poll_.SetRefed(info, false); }
  Napi::Value GetFd(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), fd_); }

  // While the poll may call JavaScript, the object must outlive every JavaScript reference to
  // it, as a listening dgram socket does. Never unpinned during destruction: the count is gone.
  void Pin() {
    if (pinned_) return;
    Napi::ObjectWrap<T>::Ref();
    pinned_ = true;
  }
  void Unpin() {
    if (!pinned_) return;
    pinned_ = false;
    Napi::ObjectWrap<T>::Unref();
  }

  int fd_ = -1;
  PollHandle poll_;

 private:
  static void OnEnvCleanup(T* self) {
    static_cast<PolledWrap*>(self)->cleanupRegistered_ = false;
    self->CloseNow();
  }

  bool pinned_ = false;
  Napi::Env::CleanupHook<void (*)(T*), T> cleanupHook_;
  bool cleanupRegistered_ = false;
};

}  // namespace rawprobe
