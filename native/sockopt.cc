// setsockopt/getsockopt in a handful of value shapes, and the socket BPF filter.
//
// The addon knows no option by name: TypeScript's option table says which (level, name)
// takes which shape ("kind") and passes the numbers it got from the constants export.
// Kinds and their JavaScript values:
//   int      number (C int)
//   bool     boolean (C int, 0 or 1; reads back true for any non-zero value)
//   u32      number 0..2^32-1 (a u32 mask such as ICMP_FILTER's struct icmp_filter)
//   linger   {enabled: boolean, seconds: number}       struct linger
//   timeval  {seconds: number, microseconds: number}   struct timeval
//   bytes    Buffer                                    raw option bytes (IP_OPTIONS)
#include <errno.h>
#include <linux/filter.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <vector>

#include "socket.h"

namespace rawprobe {

namespace {

enum class Kind { kInt, kBool, kU32, kLinger, kTimeval, kBytes };

Napi::Error InvalidValue(Napi::Env env, const std::string& message) {
  return CodedError(env, "ERR_INVALID_ARG_VALUE", message, ErrorType::kRangeError);
}

Napi::Error InvalidType(Napi::Env env, const std::string& message) {
  return CodedError(env, "ERR_INVALID_ARG_TYPE", message, ErrorType::kTypeError);
}

Kind KindArg(Napi::Env env, Napi::Value value) {
  if (value.IsString()) {
    const std::string k = value.As<Napi::String>().Utf8Value();
    if (k == "int") return Kind::kInt;
    if (k == "bool") return Kind::kBool;
    if (k == "u32") return Kind::kU32;
    if (k == "linger") return Kind::kLinger;
    if (k == "timeval") return Kind::kTimeval;
    if (k == "bytes") return Kind::kBytes;
  }
  throw InvalidValue(env, "kind must be 'int', 'bool', 'u32', 'linger', 'timeval' or 'bytes'");
}

int NumberArg(Napi::Env env, Napi::Value value, const char* name) {
  if (!value.IsNumber()) throw InvalidType(env, std::string(name) + " must be a number");
  const double d = value.As<Napi::Number>().DoubleValue();
  if (!(d >= INT32_MIN && d <= INT32_MAX) || d != static_cast<double>(static_cast<int64_t>(d))) {
    throw InvalidValue(env, std::string(name) + " must be a 32-bit integer");
  }
  return static_cast<int>(d);
}

// A whole number in [lo, hi] read from obj[key].
int64_t Field(Napi::Env env, Napi::Object obj, const char* key, int64_t lo, int64_t hi,
              const char* shape) {
  Napi::Value v = obj.Get(key);
  if (!v.IsNumber()) {
    throw InvalidType(env, std::string("the value must be ") + shape + " (" + key +
                               " is not a number)");
  }
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= static_cast<double>(lo) && d <= static_cast<double>(hi)) ||
      d != static_cast<double>(static_cast<int64_t>(d))) {
    throw InvalidValue(env, std::string(key) + " must be a whole number from " +
                                std::to_string(lo) + " to " + std::to_string(hi));
  }
  return static_cast<int64_t>(d);
}

// Words for messages: TypeScript passes the option's name ("SO_LINGER") as a label.
std::string Label(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() > index && info[index].IsString()) {
    return info[index].As<Napi::String>().Utf8Value();
  }
  return "";
}

}  // namespace

// setOption(level, name, kind, value, label?)
Napi::Value Socket::SetOption(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int level = NumberArg(env, info[0], "level");
  const int name = NumberArg(env, info[1], "name");
  const Kind kind = KindArg(env, info[2]);
  Napi::Value value = info[3];
  const std::string label = Label(info, 4);

  int integer = 0;
  linger lg{};
  timeval tv{};
  std::vector<uint8_t> bytes;
  const void* optval = nullptr;
  socklen_t optlen = 0;
  switch (kind) {
    case Kind::kInt:
      integer = NumberArg(env, value, "value");
      optval = &integer;
      optlen = sizeof(integer);
      break;
    case Kind::kBool:
      if (!value.IsBoolean()) throw InvalidType(env, "the value must be a boolean");
      integer = value.As<Napi::Boolean>().Value() ? 1 : 0;
      optval = &integer;
      optlen = sizeof(integer);
      break;
    case Kind::kU32: {
      if (!value.IsNumber()) throw InvalidType(env, "the value must be a number");
      const double d = value.As<Napi::Number>().DoubleValue();
      if (!(d >= 0 && d <= 4294967295.0) || d != static_cast<double>(static_cast<int64_t>(d))) {
        throw InvalidValue(env, "the value must be an unsigned 32-bit integer");
      }
      const uint32_t u = static_cast<uint32_t>(d);
      memcpy(&integer, &u, sizeof(u));
      optval = &integer;
      optlen = sizeof(integer);
      break;
    }
    case Kind::kLinger: {
      if (!value.IsObject()) {
        throw InvalidType(env, "the value must be {enabled: boolean, seconds: number}");
      }
      Napi::Object obj = value.As<Napi::Object>();
      Napi::Value enabled = obj.Get("enabled");
      if (!enabled.IsBoolean()) {
        throw InvalidType(env, "the value must be {enabled: boolean, seconds: number}");
      }
      lg.l_onoff = enabled.As<Napi::Boolean>().Value() ? 1 : 0;
      lg.l_linger = static_cast<int>(
          Field(env, obj, "seconds", 0, INT32_MAX, "{enabled: boolean, seconds: number}"));
      optval = &lg;
      optlen = sizeof(lg);
      break;
    }
    case Kind::kTimeval: {
      if (!value.IsObject()) {
        throw InvalidType(env, "the value must be {seconds: number, microseconds: number}");
      }
      Napi::Object obj = value.As<Napi::Object>();
      const char* shape = "{seconds: number, microseconds: number}";
      tv.tv_sec = static_cast<time_t>(Field(env, obj, "seconds", 0, INT32_MAX, shape));
      tv.tv_usec = static_cast<suseconds_t>(Field(env, obj, "microseconds", 0, 999999, shape));
      optval = &tv;
      optlen = sizeof(tv);
      break;
    }
    case Kind::kBytes: {
      if (!value.IsTypedArray() ||
          value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
        throw InvalidType(env, "the value must be a Buffer");
      }
      Napi::Uint8Array array = value.As<Napi::Uint8Array>();
      bytes.assign(array.Data(), array.Data() + array.ByteLength());
      optval = bytes.data();
      optlen = static_cast<socklen_t>(bytes.size());
      break;
    }
  }
  CheckOpen(env, "set an option");
  if (setsockopt(fd_, level, name, optval, optlen) < 0) {
    ErrorContext ctx = Context("setsockopt");
    ctx.level = level;
    ctx.option = name;
    ctx.address = label;
    throw ErrnoError(env, errno, ctx);
  }
  return env.Undefined();
}

// getOption(level, name, kind, size?, label?) -> the value in the kind's shape. For 'bytes'
// the buffer is `size` bytes (40 if not given: the most IPv4 options there can be) and the
// result is as long as the kernel said.
Napi::Value Socket::GetOption(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int level = NumberArg(env, info[0], "level");
  const int name = NumberArg(env, info[1], "name");
  const Kind kind = KindArg(env, info[2]);
  size_t size = 40;
  if (info.Length() > 3 && info[3].IsNumber()) {
    const int n = NumberArg(env, info[3], "size");
    if (n < 0 || n > 65536) throw InvalidValue(env, "size must be from 0 to 65536");
    size = static_cast<size_t>(n);
  }
  const std::string label = Label(info, 4);
  CheckOpen(env, "read an option");

  std::vector<uint8_t> buffer;
  switch (kind) {
    case Kind::kLinger: buffer.resize(sizeof(linger)); break;
    case Kind::kTimeval: buffer.resize(sizeof(timeval)); break;
    case Kind::kBytes: buffer.resize(size); break;
    default: buffer.resize(sizeof(int)); break;
  }
  socklen_t len = static_cast<socklen_t>(buffer.size());
  if (getsockopt(fd_, level, name, buffer.data(), &len) < 0) {
    ErrorContext ctx = Context("getsockopt");
    ctx.level = level;
    ctx.option = name;
    ctx.address = label;
    throw ErrnoError(env, errno, ctx);
  }
  switch (kind) {
    case Kind::kInt: {
      int v = 0;
      // Some options (IP_TOS, IP_TTL on some paths) may answer with one byte.
      if (len == 1) v = buffer[0];
      else memcpy(&v, buffer.data(), sizeof(v));
      return Napi::Number::New(env, v);
    }
    case Kind::kBool: {
      int v = 0;
      if (len == 1) v = buffer[0];
      else memcpy(&v, buffer.data(), sizeof(v));
      return Napi::Boolean::New(env, v != 0);
    }
    case Kind::kU32: {
      uint32_t v = 0;
      memcpy(&v, buffer.data(), std::min<size_t>(len, sizeof(v)));
      return Napi::Number::New(env, v);
    }
    case Kind::kLinger: {
      linger lg;
      memcpy(&lg, buffer.data(), sizeof(lg));
      Napi::Object out = Napi::Object::New(env);
      out.Set("enabled", Napi::Boolean::New(env, lg.l_onoff != 0));
      out.Set("seconds", Napi::Number::New(env, lg.l_linger));
      return out;
    }
    case Kind::kTimeval: {
      timeval tv;
      memcpy(&tv, buffer.data(), sizeof(tv));
      Napi::Object out = Napi::Object::New(env);
      out.Set("seconds", Napi::Number::New(env, static_cast<double>(tv.tv_sec)));
      out.Set("microseconds", Napi::Number::New(env, static_cast<double>(tv.tv_usec)));
      return out;
    }
    case Kind::kBytes:
      return Napi::Buffer<uint8_t>::Copy(env, buffer.data(), std::min<size_t>(len, size));
  }
  return env.Undefined();
}

// attachFilter(program): classic BPF, a Buffer of 8-byte struct sock_filter entries in host
// byte order ({u16 code, u8 jt, u8 jf, u32 k}).
Napi::Value Socket::AttachFilter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Value value = info[0];
  if (!value.IsTypedArray() ||
      value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw InvalidType(env, "program must be a Buffer of 8-byte sock_filter entries");
  }
  Napi::Uint8Array array = value.As<Napi::Uint8Array>();
  const size_t length = array.ByteLength();
  if (length == 0 || length % sizeof(sock_filter) != 0 ||
      length / sizeof(sock_filter) > BPF_MAXINSNS) {
    throw InvalidValue(env, "program must hold 1 to " + std::to_string(BPF_MAXINSNS) +
                                " whole 8-byte instructions (got " + std::to_string(length) +
                                " bytes)");
  }
  // Copy for alignment: the Buffer may sit at any offset in a pooled ArrayBuffer.
  std::vector<sock_filter> program(length / sizeof(sock_filter));
  memcpy(program.data(), array.Data(), length);
  sock_fprog fprog{};
  fprog.len = static_cast<unsigned short>(program.size());
  fprog.filter = program.data();
  CheckOpen(env, "attach a filter");
  if (setsockopt(fd_, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog)) < 0) {
    ErrorContext ctx = Context("setsockopt");
    ctx.level = SOL_SOCKET;
    ctx.option = SO_ATTACH_FILTER;
    ctx.address = "SO_ATTACH_FILTER";
    throw ErrnoError(env, errno, ctx);
  }
  return env.Undefined();
}

Napi::Value Socket::DetachFilter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckOpen(env, "detach a filter");
  const int unused = 0;
  if (setsockopt(fd_, SOL_SOCKET, SO_DETACH_FILTER, &unused, sizeof(unused)) < 0) {
    ErrorContext ctx = Context("setsockopt");
    ctx.level = SOL_SOCKET;
    ctx.option = SO_DETACH_FILTER;
    ctx.address = "SO_DETACH_FILTER";
    throw ErrnoError(env, errno, ctx);
  }
  return env.Undefined();
}

}  // namespace rawprobe
