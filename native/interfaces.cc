// interfaceAddresses(): the machine's interface addresses, as [name, address, name, address...]
// (getifaddrs: IPv4 and IPv6 only, the address as inet_ntop writes it, no zone). What Node's
// os.networkInterfaces() reads, without loading node:os, which a one-probe ping would pay for
// at every start only to need it for -I and hardware timestamps.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <cerrno>

#include "errors.h"
#include "interfaces.h"

namespace rawprobe {

Napi::Value InterfaceAddresses(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    ErrorContext ctx;
    ctx.syscall = "getifaddrs";
    throw ErrnoError(env, errno, ctx);
  }
  Napi::Array out = Napi::Array::New(env);
  uint32_t n = 0;
  for (const ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr) continue;
    char text[INET6_ADDRSTRLEN];
    const void* raw = nullptr;
    if (a->ifa_addr->sa_family == AF_INET) {
      raw = &reinterpret_cast<const sockaddr_in*>(a->ifa_addr)->sin_addr;
    } else if (a->ifa_addr->sa_family == AF_INET6) {
      raw = &reinterpret_cast<const sockaddr_in6*>(a->ifa_addr)->sin6_addr;
    } else {
      continue;
    }
    if (inet_ntop(a->ifa_addr->sa_family, raw, text, sizeof text) == nullptr) continue;
    out.Set(n++, Napi::String::New(env, a->ifa_name));
    out.Set(n++, Napi::String::New(env, text));
  }
  freeifaddrs(list);
  return out;
}

}  // namespace rawprobe
