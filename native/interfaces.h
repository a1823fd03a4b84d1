// The machine's interface addresses (interfaces.cc).
#pragma once

#include <napi.h>

namespace rawprobe {

// () -> [name, address, name, address, ...] for every IPv4 and IPv6 address (getifaddrs).
Napi::Value InterfaceAddresses(const Napi::CallbackInfo& info);

}  // namespace rawprobe
