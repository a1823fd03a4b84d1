// compileFilter(linkType, snaplen, expression, optimize, device): a tcpdump filter expression
// compiled by libpcap itself (pcap_compile), so `rawprobe capture icmp` keeps exactly what `tcpdump
// icmp` keeps. Returns {program: Buffer of struct sock_filter, listing: string[], live: boolean},
// the listing being libpcap's bpf_image() of each instruction: the lines `tcpdump -d` prints.
//
// With a device, libpcap compiles for that device opened live (pcap_create + pcap_activate, no
// packet read), as tcpdump does: only a live Linux handle makes `vlan` test the tag the kernel took
// off (SKF_AD_VLAN_TAG_PRESENT) rather than bytes the kernel's filter never sees. When the device
// cannot be opened (no privilege), or without one, it compiles on pcap_open_dead(linkType,
// snaplen), as `tcpdump -d` without -i does; `live` says which.
//
// libpcap is loaded with dlopen on the first call, never linked: libpcap0.8 (libpcap.so.0.8, the
// runtime library tcpdump uses) is on any machine with tcpdump, but its headers come only with
// libpcap-dev, which building rawprobe must not need, and a capture without a filter (or any other
// command) must not need libpcap at all.
#include <dlfcn.h>
#include <linux/filter.h>
#include <string.h>

#include <mutex>
#include <string>

#include "args.h"
#include "capture.h"
#include "errors.h"

namespace rawprobe {

namespace {

// The declarations we need from pcap/pcap.h and pcap/bpf.h, written here because those headers
// are not installed (see above). Their ABI is what the soname libpcap.so.0.8 promises.
// struct bpf_insn is laid out as Linux's struct sock_filter ({u16 code; u8 jt; u8 jf; u32 k}),
// so a compiled program goes to SO_ATTACH_FILTER as it is.
struct BpfInsn {
  uint16_t code;
  uint8_t jt;
  uint8_t jf;
  uint32_t k;
};
static_assert(sizeof(BpfInsn) == sizeof(sock_filter), "bpf_insn and sock_filter differ");
struct BpfProgram {
  unsigned int bf_len;
  BpfInsn* bf_insns;
};
using Pcap = void;  // pcap_t, opaque
constexpr uint32_t kNetmaskUnknown = 0xffffffff;  // PCAP_NETMASK_UNKNOWN

constexpr int kErrbufSize = 256;  // PCAP_ERRBUF_SIZE

struct Libpcap {
  Pcap* (*openDead)(int linktype, int snaplen) = nullptr;
  Pcap* (*create)(const char* device, char* errbuf) = nullptr;
  int (*setSnaplen)(Pcap*, int) = nullptr;
  int (*setBufferSize)(Pcap*, int) = nullptr;
  int (*activate)(Pcap*) = nullptr;
  int (*datalink)(Pcap*) = nullptr;
  int (*compile)(Pcap*, BpfProgram*, const char*, int optimize, uint32_t netmask) = nullptr;
  void (*freecode)(BpfProgram*) = nullptr;
  char* (*geterr)(Pcap*) = nullptr;
  void (*close)(Pcap*) = nullptr;
  char* (*image)(const BpfInsn*, int) = nullptr;  // bpf_image
  std::string problem;                             // why it could not be loaded, "" when it was
};

template <typename T>
bool Symbol(void* handle, const char* name, T* out) {
  *out = reinterpret_cast<T>(dlsym(handle, name));
  return *out != nullptr;
}

// Loaded once per process and never unloaded.
const Libpcap& LoadLibpcap() {
  static Libpcap lib;
  static std::once_flag once;
  std::call_once(once, [] {
    void* handle = nullptr;
    std::string first;
    for (const char* soname : {"libpcap.so.0.8", "libpcap.so.1", "libpcap.so"}) {
      handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
      if (handle != nullptr) break;
      if (first.empty()) first = dlerror();
    }
    if (handle == nullptr) {
      lib.problem = first;
      return;
    }
    const bool ok = Symbol(handle, "pcap_open_dead", &lib.openDead) &&
                    Symbol(handle, "pcap_create", &lib.create) &&
                    Symbol(handle, "pcap_set_snaplen", &lib.setSnaplen) &&
                    Symbol(handle, "pcap_set_buffer_size", &lib.setBufferSize) &&
                    Symbol(handle, "pcap_activate", &lib.activate) &&
                    Symbol(handle, "pcap_datalink", &lib.datalink) &&
                    Symbol(handle, "pcap_compile", &lib.compile) &&
                    Symbol(handle, "pcap_freecode", &lib.freecode) &&
                    Symbol(handle, "pcap_geterr", &lib.geterr) &&
                    Symbol(handle, "pcap_close", &lib.close) && Symbol(handle, "bpf_image", &lib.image);
    if (!ok) lib.problem = std::string("libpcap lacks a function rawprobe needs: ") + dlerror();
  });
  return lib;
}

// `device` opened live for compiling, when it can be and gives `linkType`; nullptr otherwise.
Pcap* OpenLive(const Libpcap& lib, const std::string& device, int linkType, int snaplen) {
  char errbuf[kErrbufSize] = {0};
  Pcap* pcap = lib.create(device.c_str(), errbuf);
  if (pcap == nullptr) return nullptr;
  lib.setSnaplen(pcap, snaplen);
  lib.setBufferSize(pcap, 1 << 18);  // one ring block: nothing is read from it
  if (lib.activate(pcap) < 0 || lib.datalink(pcap) != linkType) {
    lib.close(pcap);
    return nullptr;
  }
  return pcap;
}

}  // namespace

Napi::Value CompileFilter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int linkType = static_cast<int>(IntegerArg(env, info[0], "linkType", 0, 65535));
  const int snaplen = static_cast<int>(IntegerArg(env, info[1], "snaplen", 1, INT32_MAX));
  if (!info[2].IsString()) throw InvalidArgType(env, "expression must be a string");
  const std::string expression = info[2].As<Napi::String>().Utf8Value();
  if (!info[3].IsBoolean()) throw InvalidArgType(env, "optimize must be a boolean");
  const bool optimize = info[3].As<Napi::Boolean>().Value();
  if (expression.find('\0') != std::string::npos) {
    throw InvalidArgValue(env, "the filter expression contains a NUL byte");
  }
  std::string device;
  if (info.Length() > 4 && info[4].IsString()) device = info[4].As<Napi::String>().Utf8Value();
  else if (info.Length() > 4 && !info[4].IsNull() && !info[4].IsUndefined()) {
    throw InvalidArgType(env, "device must be a string or null");
  }

  const Libpcap& lib = LoadLibpcap();
  if (!lib.problem.empty()) throw CodedError(env, "ERR_LIBPCAP_MISSING", lib.problem);
  Pcap* pcap = device.empty() ? nullptr : OpenLive(lib, device, linkType, snaplen);
  const bool live = pcap != nullptr;
  if (pcap == nullptr) pcap = lib.openDead(linkType, snaplen);
  if (pcap == nullptr) throw CodedError(env, "ERR_LIBPCAP_MISSING", "pcap_open_dead failed");
  BpfProgram program{0, nullptr};
  if (lib.compile(pcap, &program, expression.c_str(), optimize ? 1 : 0, kNetmaskUnknown) < 0) {
    const std::string message = lib.geterr(pcap);
    lib.close(pcap);
    throw CodedError(env, "ERR_FILTER_COMPILE", message);
  }
  Napi::Buffer<uint8_t> bytes = Napi::Buffer<uint8_t>::Copy(
      env, reinterpret_cast<const uint8_t*>(program.bf_insns), program.bf_len * sizeof(BpfInsn));
  Napi::Array listing = Napi::Array::New(env, program.bf_len);
  for (unsigned i = 0; i < program.bf_len; i++) {
    listing.Set(i, Napi::String::New(env, lib.image(&program.bf_insns[i], static_cast<int>(i))));
  }
  lib.freecode(&program);
  lib.close(pcap);
  Napi::Object out = Napi::Object::New(env);
  out.Set("program", bytes);
  out.Set("listing", listing);
  out.Set("live", Napi::Boolean::New(env, live));
  return out;
}

}  // namespace rawprobe
