// Socket addresses: JavaScript values -> struct sockaddr (MakeSockaddr, SockaddrArg) and
// struct sockaddr -> text and objects (HostText, FormatSockaddr, AddressObject).
#include "sockaddr.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>

#include <algorithm>

#include "args.h"
#include "errors.h"

namespace rawprobe {

Sockaddr SockaddrArg(Napi::Env env, Napi::Value value, const char* name) {
  Bytes bytes = BytesArg(env, value, name);
  if (bytes.length < sizeof(sa_family_t) || bytes.length > sizeof(sockaddr_storage)) {
    throw InvalidArgValue(env, std::string(name) + " is not a socket address made by sockaddr()");
  }
  Sockaddr out;
  memset(&out.storage, 0, sizeof(out.storage));
  memcpy(&out.storage, bytes.data, bytes.length);
  out.length = static_cast<socklen_t>(bytes.length);
  return out;
}

// A unix socket address as text: "" when unnamed, "\0name" for the abstract namespace.
std::string UnixPath(const sockaddr_un* un, socklen_t len) {
  const socklen_t base = offsetof(sockaddr_un, sun_path);
  if (len <= base) return "";
  const size_t n = std::min<size_t>(len - base, sizeof(un->sun_path));
  if (un->sun_path[0] == '\0') return std::string(un->sun_path, n);
  return std::string(un->sun_path, strnlen(un->sun_path, n));
}

// The address alone as text: dotted IPv4, IPv6 ("::1"), otherwise a unix path (UnixPath).
std::string HostText(const sockaddr* addr, socklen_t len) {
  char text[INET6_ADDRSTRLEN];
  if (addr->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, text, sizeof(text));
    return text;
  }
  if (addr->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, text,
              sizeof(text));
    return text;
  }
  return UnixPath(reinterpret_cast<const sockaddr_un*>(addr), len);
}

// {family, address, port, scopeId} for getsockname/getpeername and error-queue entries.
Napi::Object AddressObject(Napi::Env env, const sockaddr_storage& ss, socklen_t len) {
  const auto* addr = reinterpret_cast<const sockaddr*>(&ss);
  Napi::Object out = Napi::Object::New(env);
  out.Set("family", Napi::Number::New(env, ss.ss_family));
  Napi::Value address = env.Null();
  Napi::Value port = env.Null();
  Napi::Value scope = env.Null();
  if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6 || ss.ss_family == AF_UNIX) {
    address = Napi::String::New(env, HostText(addr, len));
  }
  if (ss.ss_family == AF_INET) {
    port = Napi::Number::New(env, ntohs(reinterpret_cast<const sockaddr_in*>(addr)->sin_port));
  } else if (ss.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    port = Napi::Number::New(env, ntohs(in6->sin6_port));
    scope = Napi::Number::New(env, in6->sin6_scope_id);
  }
  out.Set("address", address);
  out.Set("port", port);
  out.Set("scopeId", scope);
  return out;
}

std::string FormatSockaddr(const sockaddr* addr, socklen_t len) {
  if (addr->sa_family == AF_INET && len >= sizeof(sockaddr_in)) {
    const uint16_t port = reinterpret_cast<const sockaddr_in*>(addr)->sin_port;
    if (port == 0) return HostText(addr, len);
    return HostText(addr, len) + ":" + std::to_string(ntohs(port));
  }
  if (addr->sa_family == AF_INET6 && len >= sizeof(sockaddr_in6)) {
    const uint16_t port = reinterpret_cast<const sockaddr_in6*>(addr)->sin6_port;
    if (port == 0) return HostText(addr, len);
    return "[" + HostText(addr, len) + "]:" + std::to_string(ntohs(port));
  }
  if (addr->sa_family == AF_UNIX) {
    std::string path = UnixPath(reinterpret_cast<const sockaddr_un*>(addr), len);
    if (!path.empty() && path[0] == '\0') path = "\\0" + path.substr(1);
    return path;
  }
  return "";
}

// sockaddr(family, address, port, scopeId): parse once, send many times.
Napi::Value MakeSockaddr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int family = static_cast<int>(IntegerArg(env, info[0], "family", 0, 65535));
  sockaddr_storage ss;
  memset(&ss, 0, sizeof(ss));
  socklen_t len = 0;
  if (family == AF_UNSPEC) {
    // connect(AF_UNSPEC) dissolves a datagram socket's association.
    ss.ss_family = AF_UNSPEC;
    len = sizeof(sa_family_t);
  } else if (family == AF_INET || family == AF_INET6) {
    if (!info[1].IsString()) throw InvalidArgType(env, "address must be a string");
    std::string text = info[1].As<Napi::String>().Utf8Value();
    const int port = static_cast<int>(IntegerArg(env, info[2], "port", 0, 65535));
    if (family == AF_INET) {
      auto* in = reinterpret_cast<sockaddr_in*>(&ss);
      in->sin_family = AF_INET;
      in->sin_port = htons(static_cast<uint16_t>(port));
      if (inet_pton(AF_INET, text.c_str(), &in->sin_addr) != 1) {
        throw InvalidArgValue(env, "not an IPv4 address in dotted form: '" + text + "'");
      }
      len = sizeof(sockaddr_in);
    } else {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons(static_cast<uint16_t>(port));
      uint32_t scope = 0;
      if (info.Length() > 3 && !info[3].IsUndefined() && !info[3].IsNull()) {
        scope = static_cast<uint32_t>(IntegerArg(env, info[3], "scopeId", 0, UINT32_MAX));
      }
      // "fe80::1%eth0" names the zone inline, as ping and ssh accept.
      const size_t percent = text.find('%');
      if (percent != std::string::npos) {
        const std::string zone = text.substr(percent + 1);
        text.resize(percent);
        char* end = nullptr;
        const unsigned long numeric = strtoul(zone.c_str(), &end, 10);
        scope = (!zone.empty() && *end == '\0') ? static_cast<uint32_t>(numeric)
                                                : if_nametoindex(zone.c_str());
        if (scope == 0) {
          throw InvalidArgValue(env, "unknown interface '" + zone + "' in IPv6 zone");
        }
      }
      if (inet_pton(AF_INET6, text.c_str(), &in6->sin6_addr) != 1) {
        throw InvalidArgValue(env, "not an IPv6 address: '" + text + "'");
      }
      in6->sin6_scope_id = scope;
      len = sizeof(sockaddr_in6);
    }
  } else if (family == AF_UNIX) {
    if (!info[1].IsString()) throw InvalidArgType(env, "address must be a socket path string");
    const std::string path = info[1].As<Napi::String>().Utf8Value();
    auto* un = reinterpret_cast<sockaddr_un*>(&ss);
    un->sun_family = AF_UNIX;
    const bool abstract = !path.empty() && path[0] == '\0';
    // A filesystem path needs its terminating NUL inside sun_path; an abstract name does not.
    const size_t room = abstract ? sizeof(un->sun_path) : sizeof(un->sun_path) - 1;
    if (path.empty() || path.size() > room) {
      throw InvalidArgValue(env, "a unix socket path must be 1 to " + std::to_string(room) +
                                     " bytes (got " + std::to_string(path.size()) + ")");
    }
    if (!abstract && path.find('\0') != std::string::npos) {
      throw InvalidArgValue(env, "a unix socket path cannot contain NUL bytes");
    }
    memcpy(un->sun_path, path.data(), path.size());
    len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() +
                                 (abstract ? 0 : 1));
  } else {
    throw InvalidArgValue(env, "family must be AF_INET, AF_INET6, AF_UNIX or AF_UNSPEC (got " +
                                   std::to_string(family) + ")");
  }
  return Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t*>(&ss), len);
}

}  // namespace rawprobe
