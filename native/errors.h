// Node-style errors for the rawprobe addon, made in ONE place.
//
// Every error the addon throws or delivers carries the same keys, always present:
//   code     'EPERM', 'ESOCKTNOSUPPORT', ... for kernel errors, 'ERR_*' for our own
//   errno    the kernel errno NEGATED, as Node's own errors do (-1 for EPERM), or null
//            for errors that did not come from the kernel
//   syscall  the system call that failed ('socket', 'setsockopt', ...), or null
// and a message that says what happened and, where we know, what to do about it.
#pragma once

#include <napi.h>

#include <string>

namespace rawprobe {

// What the addon was doing when the kernel said no: used only to pick helpful words.
struct ErrorContext {
  const char* syscall = nullptr;  // "socket", "setsockopt", "sendto", ...
  int family = -1;                // AF_* of the socket, -1 if unknown
  int type = -1;                  // SOCK_* of the socket, -1 if unknown
  int protocol = -1;              // protocol number, -1 if unknown
  int level = -1;                 // setsockopt/getsockopt level, -1 if not an option call
  int option = -1;                // setsockopt/getsockopt name
  bool hdrincl = false;           // IP_HDRINCL was on (sends carry our own IPv4 header)
  std::string address;            // destination/bind address as text, if any
};

// The kernel refused: errno `err` (positive) while doing `ctx.syscall`.
Napi::Error ErrnoError(Napi::Env env, int err, const ErrorContext& ctx);

// One of our own errors ('ERR_SOCKET_CLOSED', 'ERR_INVALID_ARG_VALUE', ...): errno and
// syscall are null. `type` chooses the constructor: Error, TypeError or RangeError.
enum class ErrorType { kError, kTypeError, kRangeError };
Napi::Error CodedError(Napi::Env env, const char* code, const std::string& message,
                       ErrorType type = ErrorType::kError);

// The two argument errors, as Node names them: a value of the wrong type (a TypeError with
// ERR_INVALID_ARG_TYPE) and one of the right type but an impossible value (a RangeError with
// ERR_INVALID_ARG_VALUE).
Napi::Error InvalidArgType(Napi::Env env, const std::string& message);
Napi::Error InvalidArgValue(Napi::Env env, const std::string& message);

// The short name of an errno ("EPERM"), or "E<number>" if the C library has none.
std::string ErrnoName(int err);

// The names of a few constants, for messages ("SOCK_RDM", "AF_INET").
const char* FamilyName(int family);
const char* TypeName(int type);

// errnoError(errno, syscall) -> the same Error the addon throws for that errno.
Napi::Value MakeErrnoError(const Napi::CallbackInfo& info);

}  // namespace rawprobe
