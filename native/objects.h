// The plain objects of numbers the addon hands back ({pid, uid, gid}, {index, mtu, ...}, the
// batch layouts JavaScript checks its own copy against at load time): one list of names and
// values instead of an out.Set() per field in every file.
#pragma once

#include <napi.h>

#include <initializer_list>

namespace rawprobe {

// A field's name and its value, whatever arithmetic type the system structure gave it.
struct NamedNumber {
  template <typename T>
  NamedNumber(const char* n, T v) : name(n), value(static_cast<double>(v)) {}
  const char* name;
  double value;
};

inline Napi::Object NumberObject(Napi::Env env, std::initializer_list<NamedNumber> fields) {
  Napi::Object out = Napi::Object::New(env);
  for (const NamedNumber& field : fields) out.Set(field.name, Napi::Number::New(env, field.value));
  return out;
}

// The same, frozen: a layout or a set of bits, which nobody may change.
inline Napi::Object FrozenNumbers(Napi::Env env, std::initializer_list<NamedNumber> fields) {
  Napi::Object out = NumberObject(env, fields);
  out.Freeze();
  return out;
}

}  // namespace rawprobe
