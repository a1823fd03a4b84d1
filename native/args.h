// Checks on the JavaScript values the addon is handed, shared by socket.cc and sockopt.cc. Every
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

}  // namespace rawprobe
