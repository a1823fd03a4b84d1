// The numbers rawprobe needs from the system headers, read from the C macros at build time
// and exported to JavaScript as one plain object: TypeScript never types these numbers.
#pragma once

#include <napi.h>

namespace rawprobe {

Napi::Object MakeConstants(Napi::Env env);

}  // namespace rawprobe
