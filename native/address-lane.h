// The address lane: splitLines() finds the lines of a read of a target list, plainAddresses()
// reads runs of its plain address lines, for lib/probe/sweep (address-lane.cc).
#pragma once

#include <napi.h>

namespace rawprobe {

Napi::Function SplitLinesFunction(Napi::Env env);
Napi::Function PlainAddressesFunction(Napi::Env env);

}  // namespace rawprobe
