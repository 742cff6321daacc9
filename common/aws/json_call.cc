#include "common/aws/json_call.h"

#include <cmath>
#include <limits>

namespace wharf::aws::json_call {
namespace {

[[noreturn]] void Fail(const char* key, const char* expected, const json& value) {
  throw MalformedJson(std::string("field \"") + key + "\": expected " + expected + ", got " +
                      value.type_name());
}

// The field, or nullptr when absent or null.
const json* Find(const json& object, const char* key) {
  if (!object.is_object()) {
    throw MalformedJson(std::string("reading \"") + key + "\": expected an object, got " +
                        object.type_name());
  }
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

std::string String(const json& object, const char* key) {
  const json* v = Find(object, key);
  if (v == nullptr) return {};
  if (!v->is_string()) Fail(key, "a string", *v);
  return v->get<std::string>();
}

std::optional<int64_t> OptionalInt(const json& object, const char* key) {
  const json* v = Find(object, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_number_integer()) return v->get<int64_t>();
  // Some services write integers as 1.0; anything fractional is wrong.
  if (v->is_number_float()) {
    const double d = v->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) {
      return static_cast<int64_t>(d);
    }
  }
  Fail(key, "an integer", *v);
}

int64_t Int(const json& object, const char* key) { return OptionalInt(object, key).value_or(0); }

std::optional<int> OptionalInt32(const json& object, const char* key) {
  const std::optional<int64_t> v = OptionalInt(object, key);
  if (!v) return std::nullopt;
  if (*v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max()) {
    throw MalformedJson(std::string("field \"") + key + "\": " + std::to_string(*v) +
                        " is out of range");
  }
  return static_cast<int>(*v);
}

int Int32(const json& object, const char* key) { return OptionalInt32(object, key).value_or(0); }

std::optional<double> OptionalDouble(const json& object, const char* key) {
  const json* v = Find(object, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number()) Fail(key, "a number", *v);
  return v->get<double>();
}

double Double(const json& object, const char* key) {
  return OptionalDouble(object, key).value_or(0.0);
}

std::optional<bool> OptionalBool(const json& object, const char* key) {
  const json* v = Find(object, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) Fail(key, "a boolean", *v);
  return v->get<bool>();
}

bool Bool(const json& object, const char* key) { return OptionalBool(object, key).value_or(false); }

std::vector<std::string> Strings(const json& object, const char* key) {
  std::vector<std::string> out;
  for (const json& item : Array(object, key)) {
    if (!item.is_string()) Fail(key, "an array of strings", item);
    out.push_back(item.get<std::string>());
  }
  return out;
}

const json::array_t& Array(const json& object, const char* key) {
  static const json::array_t kEmpty;
  const json* v = Find(object, key);
  if (v == nullptr) return kEmpty;
  if (!v->is_array()) Fail(key, "an array", *v);
  return v->get_ref<const json::array_t&>();
}

const json* Object(const json& object, const char* key) {
  const json* v = Find(object, key);
  if (v != nullptr && !v->is_object()) Fail(key, "an object", *v);
  return v;
}

const json& RequiredObject(const json& object, const char* key) {
  const json* v = Object(object, key);
  if (v == nullptr) throw MalformedJson(std::string("missing field \"") + key + "\"");
  return *v;
}

std::string RequiredString(const json& object, const char* key) {
  const json* v = Find(object, key);
  if (v == nullptr) throw MalformedJson(std::string("missing field \"") + key + "\"");
  if (!v->is_string()) Fail(key, "a string", *v);
  return v->get<std::string>();
}

int64_t TimestampMs(const json& object, const char* key) {
  const std::optional<double> seconds = OptionalDouble(object, key);
  if (!seconds) return 0;
  if (!std::isfinite(*seconds)) Fail(key, "a timestamp", object.at(key));
  return static_cast<int64_t>(std::llround(*seconds * 1000.0));
}

std::map<std::string, std::string> StringMap(const json& object, const char* key) {
  std::map<std::string, std::string> out;
  const json* map = Object(object, key);
  if (map == nullptr) return out;
  for (const auto& [k, v] : map->items()) {
    if (!v.is_string()) Fail(key, "a map of strings", v);
    out[k] = v.get<std::string>();
  }
  return out;
}

std::map<std::string, std::string> TagList(const json& object, const char* key,
                                           const char* key_name, const char* value_name) {
  std::map<std::string, std::string> out;
  for (const json& tag : Array(object, key)) {
    out[RequiredString(tag, key_name)] = String(tag, value_name);
  }
  return out;
}

json TagListJson(const std::map<std::string, std::string>& tags, const char* key_name,
                 const char* value_name) {
  json list = json::array();
  for (const auto& [k, v] : tags) list.push_back({{key_name, k}, {value_name, v}});
  return list;
}

}  // namespace wharf::aws::json_call
