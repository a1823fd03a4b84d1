// The address lane: plainAddresses() reads runs of plain address lines of a target list for
// lib/probe/sweep (address-lane.cc).
#pragma once

#include <napi.h>

namespace rawprobe {

Napi::Function PlainAddressesFunction(Napi::Env env);

}  // namespace rawprobe
