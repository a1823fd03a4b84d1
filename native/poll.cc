// The poll handle both receiving modes share (socket.h): made, started, stopped and freed
// here; each wake-up goes to receive.cc (batches) or readiness.cc (readiness); every call
// into JavaScript goes through Emit.
//
// The uv_poll_t itself, and the MakeCallback every wake-up calls JavaScript with, are
// poll-handle.h's (shared with the Capture).
#include "socket.h"

namespace rawprobe {

void Socket::StopPoll() {
  poll_.Close();
  mode_ = PollMode::kNone;
  interest_ = 0;
  scratch_.reset();
  Unpin();
}


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
  CallJavaScript(Env(), callback_, async_.get(), Value(), args);
}

}  // namespace rawprobe
