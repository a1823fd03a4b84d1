// rawprobe's native addon: module init. Exports
//   Socket          the socket class (socket.h)
//   constants       numbers from the system headers (constants.cc)
//   batchLayout     where each fact sits in a receive batch's Float64Array (socket.h)
//   clock           {baseEpochNs: bigint, baseEpochMs: number}: the base of every timestamp
//   now()           nanoseconds since the base, CLOCK_REALTIME (clock.h)
//   sendInfo        Float64Array(3): [time before the last send, errno that stopped sendMany,
//                   time after it]
//   sockaddr()      (family, address, port, scopeId) -> Buffer with a struct sockaddr
//   errnoError()    (errno, syscall) -> the addon's Error for that errno
//   socketpair()    (family, type, protocol) -> [Socket, Socket], connected to each other
//   readiness       the bits of the readiness callback and of Socket.watch() (socket.h)
//   Capture, captureLayout, captureInterface(), compileFilter()   packet capture (capture.h)
//   timestampsLive(), interfaceTimestamping(), enableHardwareTimestamps()   (timestamping.h)
//   checkRecords(), laneLayout   the checksum lane over pcap records (checksum-lane.h)
//   splitLines(), plainAddresses()   the address lane over a target list's lines (address-lane.h)
//   interfaceAddresses()   [name, address, ...] of every IPv4 and IPv6 address (interfaces.h)
#include <dlfcn.h>
#include <unistd.h>
#include <napi.h>

#include <mutex>

#include "address-lane.h"
#include "clock.h"
#include "capture.h"
#include "checksum-lane.h"
#include "constants.h"
#include "interfaces.h"
#include "objects.h"
#include "socket.h"
#include "timestamping.h"

namespace rawprobe {

const timespec& ClockBase() {
  // Taken once per process, the first time anyone asks (at addon load, below).
  static const timespec base = [] {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts;
  }();
  return base;
}

namespace {

// The layouts socket.h declares, grouped as there: a received datagram's numbers, its flags,
// a send timestamp's numbers, the callback's kinds.
Napi::Object BatchLayout(Napi::Env env) {
  using namespace batch;
  return FrozenNumbers(env, {
      {"stride", kStride}, {"offset", kOffset}, {"length", kLength}, {"wireLength", kWireLength},
      {"timestamp", kTimestamp}, {"family", kFamily}, {"sourceV4", kSourceV4}, {"port", kPort},
      {"scopeId", kScopeId}, {"msgFlags", kMsgFlags}, {"hopLimit", kHopLimit}, {"tos", kTos},
      {"flags", kFlags}, {"hwTimestamp", kHwTimestamp},
      {"flagKernelTimestamp", kFlagKernelTimestamp}, {"flagHardwareTimestamp", kFlagHardwareTimestamp},
      {"txStride", kTxStride}, {"txKey", kTxKey}, {"txType", kTxType}, {"txTimestamp", kTxTimestamp},
      {"txHwTimestamp", kTxHwTimestamp},
      {"eventBatch", kEventBatch}, {"eventError", kEventError}, {"eventErrQueue", kEventErrQueue},
      {"eventEnd", kEventEnd}, {"eventTxTimestamps", kEventTxTimestamps},
  });
}

Napi::Object ReadinessBits(Napi::Env env) {
  using namespace readiness;
  return FrozenNumbers(env, {{"readable", kReadable}, {"writable", kWritable}, {"error", kError}, {"failed", kFailed}});
}

Napi::Value Now(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), NowSinceBase());
}

// isatty(fd): whether a descriptor is a terminal, without the stream process.stderr is (making
// it loads node:net and the stream modules, which a sweep writing with writeSync never needs).
Napi::Value IsTerminal(const Napi::CallbackInfo& info) {
  const int fd = info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : -1;
  return Napi::Boolean::New(info.Env(), fd >= 0 && isatty(fd) == 1);
}

// A closed poll handle is freed by a callback that libuv runs on a later loop turn. When a
// worker thread exits, Node unloads the addon after the environment's cleanup but BEFORE its
// loop runs those callbacks, so they would jump into unmapped code. Pinning the library
// (RTLD_NODELETE) keeps every callback valid for the life of the process.
void PinLibrary() {
  static std::once_flag once;
  std::call_once(once, [] {
    Dl_info info;
    if (dladdr(reinterpret_cast<void*>(&PinLibrary), &info) != 0 && info.dli_fname != nullptr) {
      dlopen(info.dli_fname, RTLD_NOW | RTLD_NODELETE);  // the handle is kept on purpose
    }
  });
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  PinLibrary();
  const timespec& base = ClockBase();
  auto* data = new AddonData();
  env.SetInstanceData<AddonData>(data);

  Napi::Function socketClass = Socket::Define(env);
  data->socketClass = Napi::Persistent(socketClass);
  Napi::Float64Array sendInfo = Napi::Float64Array::New(env, 3);
  data->sendInfo = Napi::Persistent(sendInfo);
  data->sendInfoData = sendInfo.Data();

  Napi::Object clock = Napi::Object::New(env);
  const int64_t baseNs = static_cast<int64_t>(base.tv_sec) * 1000000000LL + base.tv_nsec;
  clock.Set("baseEpochNs", Napi::BigInt::New(env, baseNs));
  clock.Set("baseEpochMs", Napi::Number::New(env, static_cast<double>(base.tv_sec) * 1e3 +
                                                      static_cast<double>(base.tv_nsec) / 1e6));
  clock.Freeze();

  exports.Set("Socket", socketClass);
  exports.Set("constants", MakeConstants(env));
  exports.Set("batchLayout", BatchLayout(env));
  exports.Set("clock", clock);
  exports.Set("now", Napi::Function::New<Now>(env, "now"));
  exports.Set("isTerminal", Napi::Function::New<IsTerminal>(env, "isTerminal"));
  exports.Set("sendInfo", sendInfo);
  exports.Set("sockaddr", Napi::Function::New<MakeSockaddr>(env, "sockaddr"));
  exports.Set("errnoError", Napi::Function::New<MakeErrnoError>(env, "errnoError"));
  exports.Set("socketpair", Napi::Function::New<MakeSocketpair>(env, "socketpair"));
  exports.Set("readiness", ReadinessBits(env));
  exports.Set("Capture", Capture::Define(env));
  exports.Set("captureLayout", CaptureLayout(env));
  exports.Set("captureInterface", Napi::Function::New<CaptureInterface>(env, "captureInterface"));
  exports.Set("compileFilter", Napi::Function::New<CompileFilter>(env, "compileFilter"));
  exports.Set("timestampsLive", Napi::Function::New<TimestampsLive>(env, "timestampsLive"));
  exports.Set("interfaceTimestamping", Napi::Function::New<InterfaceTimestamping>(env, "interfaceTimestamping"));
  exports.Set("enableHardwareTimestamps", Napi::Function::New<EnableHardwareTimestamps>(env, "enableHardwareTimestamps"));
  exports.Set("checkRecords", CheckRecordsFunction(env));
  exports.Set("laneLayout", LaneLayout(env));
  exports.Set("splitLines", SplitLinesFunction(env));
  exports.Set("plainAddresses", PlainAddressesFunction(env));
  exports.Set("interfaceAddresses", Napi::Function::New<InterfaceAddresses>(env, "interfaceAddresses"));
  return exports;
}

}  // namespace
}  // namespace rawprobe

static Napi::Object InitRawprobe(Napi::Env env, Napi::Object exports) {
  return rawprobe::Init(env, exports);
}

NODE_API_MODULE(rawprobe, InitRawprobe)
