// The checksum lane: checkRecords() takes runs of plainly good classic pcap records for
// lib/check (checksum-lane.cc). Its out array's layout, exported as laneLayout.
#pragma once

#include <napi.h>

#include "objects.h"

namespace rawprobe {

constexpr int kLaneRecords = 0;  // records taken by this call
constexpr int kLaneNext = 1;     // the position after them
constexpr int kLaneCells = 2;    // then the count of each cell (checksum-lane.cc's Cell)
constexpr int kLaneFacts = 9;

Napi::Object LaneLayout(Napi::Env env);
Napi::Function CheckRecordsFunction(Napi::Env env);

}  // namespace rawprobe
