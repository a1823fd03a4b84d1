// Checks on the JavaScript values the addon is handed, shared by every native file. Every
// argument is checked with these before anything is allocated or any syscall is made; each
// caller keeps its own words for the message.
#pragma once

#include <napi.h>
#include <stdint.h>

#include <string>

#include "errors.h"

namespace rawprobe {

// True when d is a whole number in [lo, hi] (false for NaN and fractions).
inline bool WholeNumberIn(double d, int64_t lo, int64_t hi) {
  return d >= static_cast<double>(lo) && d <= static_cast<double>(hi) &&
         d == static_cast<double>(static_cast<int64_t>(d));
}

// An integer argument in [lo, hi].
inline int64_t IntegerArg(Napi::Env env, Napi::Value value, const char* name, int64_t lo,
                          int64_t hi) {
  if (!value.IsNumber()) throw InvalidArgType(env, std::string(name) + " must be a number");
  const double d = value.As<Napi::Number>().DoubleValue();
  if (!WholeNumberIn(d, lo, hi)) {
    throw InvalidArgValue(env, std::string(name) + " must be an integer from " +
                                   std::to_string(lo) + " to " + std::to_string(hi) + " (got " +
                                   value.ToString().Utf8Value() + ")");
  }
  return static_cast<int64_t>(d);
}

// A Buffer or a plain Uint8Array (not another typed array, not a DataView).
inline bool IsUint8Array(Napi::Value value) {
  return value.IsTypedArray() && value.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array;
}

// Send/recv flags at info[index]: 0 when absent.
inline int OptionalFlags(Napi::Env env, const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || info[index].IsUndefined()) return 0;
  return static_cast<int>(IntegerArg(env, info[index], "flags", 0, INT32_MAX));
}

// The bytes of a Buffer or Uint8Array argument.
struct Bytes {
  const uint8_t* data;
  size_t length;
};

// One N-API call on the hot path: napi_get_buffer_info accepts any ArrayBufferView (a
// Buffer, a Uint8Array or a subarray of either) and gives its bytes at the right offset.
inline Bytes BytesArg(Napi::Env env, Napi::Value value, const char* name) {
  void* data = nullptr;
  size_t length = 0;
  if (value.IsEmpty() || napi_get_buffer_info(env, value, &data, &length) != napi_ok) {
    throw InvalidArgType(env, std::string(name) + " must be a Buffer or Uint8Array");
  }
  return Bytes{static_cast<const uint8_t*>(data), length};
}

// The elements of a typed array argument of `type` holding at least `least` of them (how many it
// holds into *count when asked); `message` says what was wanted.
template <typename T>
T* TypedArrayArg(Napi::Env env, Napi::Value value, napi_typedarray_type type, size_t least,
                 const std::string& message, size_t* count = nullptr) {
  napi_typedarray_type got;
  size_t length = 0;
  void* data = nullptr;
  if (value.IsEmpty() || napi_get_typedarray_info(env, value, &got, &length, &data, nullptr, nullptr) != napi_ok ||
      got != type || length < least) {
    throw InvalidArgType(env, message);
  }
  if (count != nullptr) *count = length;
  return static_cast<T*>(data);
}

}  // namespace rawprobe
