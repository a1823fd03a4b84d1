// setsockopt/getsockopt in a handful of value shapes, the socket BPF filter, and SO_PEERCRED.
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

#include "args.h"
#include "objects.h"
#include "socket.h"

namespace rawprobe {

namespace {

enum class Kind { kInt, kBool, kU32, kLinger, kTimeval, kBytes };

constexpr const char* kLingerShape = "{enabled: boolean, seconds: number}";
constexpr const char* kTimevalShape = "{seconds: number, microseconds: number}";

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
  throw InvalidArgValue(env, "kind must be 'int', 'bool', 'u32', 'linger', 'timeval' or 'bytes'");
}

int NumberArg(Napi::Env env, Napi::Value value, const char* name) {
  if (!value.IsNumber()) throw InvalidArgType(env, std::string(name) + " must be a number");
  const double d = value.As<Napi::Number>().DoubleValue();
  if (!WholeNumberIn(d, INT32_MIN, INT32_MAX)) {
    throw InvalidArgValue(env, std::string(name) + " must be a 32-bit integer");
  }
  return static_cast<int>(d);
}

// The value as an object of the given shape ("{seconds: number, ...}"), for its fields.
Napi::Object ObjectValue(Napi::Env env, Napi::Value value, const char* shape) {
  if (!value.IsObject()) throw InvalidArgType(env, std::string("the value must be ") + shape);
  return value.As<Napi::Object>();
}

// A whole number in [lo, hi] read from obj[key].
int64_t Field(Napi::Env env, Napi::Object obj, const char* key, int64_t lo, int64_t hi,
              const char* shape) {
  Napi::Value v = obj.Get(key);
  if (!v.IsNumber()) {
    throw InvalidArgType(env, std::string("the value must be ") + shape + " (" + key +
                                  " is not a number)");
  }
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!WholeNumberIn(d, lo, hi)) {
    throw InvalidArgValue(env, std::string(key) + " must be a whole number from " +
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
      if (!value.IsBoolean()) throw InvalidArgType(env, "the value must be a boolean");
      integer = value.As<Napi::Boolean>().Value() ? 1 : 0;
      optval = &integer;
      optlen = sizeof(integer);
      break;
    case Kind::kU32: {
      if (!value.IsNumber()) throw InvalidArgType(env, "the value must be a number");
      const double d = value.As<Napi::Number>().DoubleValue();
      if (!WholeNumberIn(d, 0, UINT32_MAX)) {
        throw InvalidArgValue(env, "the value must be an unsigned 32-bit integer");
      }
      const uint32_t u = static_cast<uint32_t>(d);
      memcpy(&integer, &u, sizeof(u));
      optval = &integer;
      optlen = sizeof(integer);
      break;
    }
    case Kind::kLinger: {
      Napi::Object obj = ObjectValue(env, value, kLingerShape);
      Napi::Value enabled = obj.Get("enabled");
      if (!enabled.IsBoolean()) {
        throw InvalidArgType(env, std::string("the value must be ") + kLingerShape);
      }
      lg.l_onoff = enabled.As<Napi::Boolean>().Value() ? 1 : 0;
      lg.l_linger = static_cast<int>(Field(env, obj, "seconds", 0, INT32_MAX, kLingerShape));
      optval = &lg;
      optlen = sizeof(lg);
      break;
    }
    case Kind::kTimeval: {
      Napi::Object obj = ObjectValue(env, value, kTimevalShape);
      tv.tv_sec = static_cast<time_t>(Field(env, obj, "seconds", 0, INT32_MAX, kTimevalShape));
      tv.tv_usec =
          static_cast<suseconds_t>(Field(env, obj, "microseconds", 0, 999999, kTimevalShape));
      optval = &tv;
      optlen = sizeof(tv);
      break;
    }
    case Kind::kBytes: {
      if (!IsUint8Array(value)) throw InvalidArgType(env, "the value must be a Buffer");
      Napi::Uint8Array array = value.As<Napi::Uint8Array>();
      bytes.assign(array.Data(), array.Data() + array.ByteLength());
      optval = bytes.data();
      optlen = static_cast<socklen_t>(bytes.size());
      break;
    }
  }
  CheckOpen(env, "set an option");
  SetSocketOption(env, level, name, label, optval, optlen);
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
    if (n < 0 || n > 65536) throw InvalidArgValue(env, "size must be from 0 to 65536");
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
    throw ErrnoError(env, errno, OptionContext("getsockopt", level, name, label));
  }
  // An int option; some (IP_TOS, IP_TTL on some paths) answer with one byte.
  const auto integer = [&]() {
    int v = 0;
    if (len == 1) v = buffer[0];
    else memcpy(&v, buffer.data(), sizeof(v));
    return v;
  };
  switch (kind) {
    case Kind::kInt:
      return Napi::Number::New(env, integer());
    case Kind::kBool:
      return Napi::Boolean::New(env, integer() != 0);
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
  if (!IsUint8Array(value)) {
    throw InvalidArgType(env, "program must be a Buffer of 8-byte sock_filter entries");
  }
  Napi::Uint8Array array = value.As<Napi::Uint8Array>();
  const size_t length = array.ByteLength();
  if (length == 0 || length % sizeof(sock_filter) != 0 ||
      length / sizeof(sock_filter) > BPF_MAXINSNS) {
    throw InvalidArgValue(env, "program must hold 1 to " + std::to_string(BPF_MAXINSNS) +
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
  SetSocketOption(env, SOL_SOCKET, SO_ATTACH_FILTER, "SO_ATTACH_FILTER", &fprog, sizeof(fprog));
  return env.Undefined();
}

Napi::Value Socket::DetachFilter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckOpen(env, "detach a filter");
  const int unused = 0;
  SetSocketOption(env, SOL_SOCKET, SO_DETACH_FILTER, "SO_DETACH_FILTER", &unused, sizeof(unused));
  return env.Undefined();
}

// peerCredentials() -> {pid, uid, gid} of the process at the other end of a unix socket
// (SO_PEERCRED: taken when it connected, or when the pair was made).
Napi::Value Socket::PeerCredentials(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckOpen(env, "read the peer's credentials");
  ucred cred{};
  socklen_t len = sizeof(cred);
  if (getsockopt(fd_, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
    throw ErrnoError(env, errno,
                     OptionContext("getsockopt", SOL_SOCKET, SO_PEERCRED, "SO_PEERCRED"));
  }
  return NumberObject(env, {{"pid", cred.pid}, {"uid", cred.uid}, {"gid", cred.gid}});
}

void Socket::SetSocketOption(Napi::Env env, int level, int name, const std::string& label, const void* value,
                             socklen_t length) const {
  if (setsockopt(fd_, level, name, value, length) < 0) {
    throw ErrnoError(env, errno, OptionContext("setsockopt", level, name, label));
  }
}

// What an option call was about, for the error's words; `label` is the option's name.
ErrorContext Socket::OptionContext(const char* syscall, int level, int name,
                                   const std::string& label) const {
  ErrorContext ctx = Context(syscall);
  ctx.level = level;
  ctx.option = name;
  ctx.address = label;
  return ctx;
}

}  // namespace rawprobe
