// Socket addresses: made from JavaScript values, read back as text and objects.
//
// Every struct sockaddr the addon handles goes through here, so one file knows the three
// shapes rawprobe opens (sockaddr_in, sockaddr_in6, sockaddr_un with its path and abstract
// names) and how each is written for a person.
#pragma once

#include <napi.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <string>

namespace rawprobe {

// A struct sockaddr made by MakeSockaddr, copied out of its Buffer (which may sit at any
// alignment inside a pooled ArrayBuffer).
struct Sockaddr {
  sockaddr_storage storage;
  socklen_t length;
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// The Buffer argument `value` (made by sockaddr()) as a Sockaddr; throws ERR_INVALID_ARG_*.
Sockaddr SockaddrArg(Napi::Env env, Napi::Value value, const char* name);

// A unix socket address as text: "" when unnamed, "\0name" for the abstract namespace.
std::string UnixPath(const sockaddr_un* un, socklen_t len);

// The address alone as text: dotted IPv4, IPv6 ("::1"), otherwise a unix path (UnixPath).
std::string HostText(const sockaddr* addr, socklen_t len);

// {family, address, port, scopeId} for getsockname/getpeername, accept and error-queue
// entries.
Napi::Object AddressObject(Napi::Env env, const sockaddr_storage& ss, socklen_t len);

// The address for a message: "1.2.3.4:80", "[::1]:53", "/path", "\0name" written as "\\0name".
std::string FormatSockaddr(const sockaddr* addr, socklen_t len);

// sockaddr(family, address, port, scopeId) -> Buffer holding the struct sockaddr_*.
Napi::Value MakeSockaddr(const Napi::CallbackInfo& info);

}  // namespace rawprobe
