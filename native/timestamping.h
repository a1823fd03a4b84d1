// The timestamping calls that are not a Socket's own (timestamping.cc).
#pragma once

#include <napi.h>

namespace rawprobe {

// timestampsLive() -> 1 / 0 / -1: does the kernel stamp received datagrams right now?
Napi::Value TimestampsLive(const Napi::CallbackInfo& info);
// interfaceTimestamping(name) -> {timestamping, phcIndex, txTypes, rxFilters}
Napi::Value InterfaceTimestamping(const Napi::CallbackInfo& info);
// enableHardwareTimestamps(name) -> {txType, rxFilter}
Napi::Value EnableHardwareTimestamps(const Napi::CallbackInfo& info);

}  // namespace rawprobe
