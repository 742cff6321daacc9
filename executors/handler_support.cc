#include "executors/handler_support.h"

#include "common/model/struct_path.h"

namespace wharf::executors {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

const Value* Find(const Struct& s, const std::string& path) { return model::FindPath(s, path); }

Value* Make(Struct* s, const std::string& path) { return model::MutablePath(s, path); }

v1::Error HandlerError(const std::string& code, const std::string& message, bool retryable) {
  v1::Error e;
  e.set_code(code);
  e.set_message(message);
  e.set_retryable(retryable);
  return e;
}

}  // namespace

v1::ActionResult Succeeded(v1::Resource observed, bool mutated) {
  v1::ActionResult result;
  result.set_outcome(v1::SUCCEEDED);
  *result.mutable_observed() = std::move(observed);
  result.set_mutated(mutated);
  return result;
}

v1::ActionResult Failed(const v1::Error& error) {
  v1::ActionResult result;
  result.set_outcome(error.retryable() ? v1::FAILED_RETRYABLE : v1::FAILED_TERMINAL);
  *result.mutable_error() = error;
  return result;
}

v1::ActionResult FailedTerminal(const std::string& code, const std::string& message) {
  return Failed(HandlerError(code, message, false));
}

v1::ActionResult FailedRetryable(const std::string& code, const std::string& message) {
  return Failed(HandlerError(code, message, true));
}

v1::ActionResult InProgress(const std::string& code, const std::string& message) {
  v1::ActionResult result = FailedRetryable(code, message);
  result.set_outcome(v1::IN_PROGRESS);
  return result;
}

v1::ActionResult Incompatible(const v1::Resource& desired, const std::string& field,
                              const std::string& found, const std::string& wanted) {
  const std::string what = v1::ResourceKind_Name(desired.ref().kind()) + " " + desired.ref().name();
  return FailedTerminal("IncompatibleResource",
                        what + " already exists with " + field + " = " + found +
                            ", the spec wants " + wanted + "; AWS cannot change " + field +
                            " in place: delete or rename the existing one, or change the spec");
}

v1::ActionResult UnsupportedVerb(const v1::Action& action) {
  return FailedTerminal("UnsupportedVerb", v1::ResourceKind_Name(action.resource().ref().kind()) +
                                               " has no " + v1::ActionVerb_Name(action.verb()));
}

std::string GetString(const Struct& s, const std::string& path, const std::string& fallback) {
  const Value* v = Find(s, path);
  if (v == nullptr) return fallback;
  if (v->kind_case() == Value::kStringValue) return v->string_value();
  if (v->kind_case() == Value::kNumberValue) {
    double d = v->number_value();
    if (d == static_cast<double>(static_cast<long long>(d))) {
      return std::to_string(static_cast<long long>(d));
    }
    return std::to_string(d);
  }
  if (v->kind_case() == Value::kBoolValue) return v->bool_value() ? "true" : "false";
  return fallback;
}

double GetNumber(const Struct& s, const std::string& path, double fallback) {
  const Value* v = Find(s, path);
  if (v == nullptr) return fallback;
  if (v->kind_case() == Value::kNumberValue) return v->number_value();
  if (v->kind_case() == Value::kStringValue) {
    try {
      return std::stod(v->string_value());
    } catch (...) {
      return fallback;
    }
  }
  return fallback;
}

int GetInt(const Struct& s, const std::string& path, int fallback) {
  return static_cast<int>(GetNumber(s, path, fallback));
}

bool GetBool(const Struct& s, const std::string& path, bool fallback) {
  const Value* v = Find(s, path);
  if (v == nullptr || v->kind_case() != Value::kBoolValue) return fallback;
  return v->bool_value();
}

bool Has(const Struct& s, const std::string& path) {
  const Value* v = Find(s, path);
  return v != nullptr && v->kind_case() != Value::kNullValue &&
         v->kind_case() != Value::KIND_NOT_SET;
}

std::vector<std::string> GetStringList(const Struct& s, const std::string& path) {
  std::vector<std::string> out;
  const Value* v = Find(s, path);
  if (v == nullptr || v->kind_case() != Value::kListValue) return out;
  for (const auto& item : v->list_value().values()) {
    if (item.kind_case() == Value::kStringValue) out.push_back(item.string_value());
  }
  return out;
}

std::map<std::string, std::string> GetStringMap(const Struct& s, const std::string& path) {
  std::map<std::string, std::string> out;
  const Value* v = Find(s, path);
  if (v == nullptr || v->kind_case() != Value::kStructValue) return out;
  for (const auto& [k, item] : v->struct_value().fields()) {
    if (item.kind_case() == Value::kStringValue) out[k] = item.string_value();
  }
  return out;
}

std::map<std::string, std::string> TagsOf(const v1::Resource& resource) {
  return {resource.tags().begin(), resource.tags().end()};
}

v1::Resource ObservedLike(const v1::Resource& desired) {
  v1::Resource r;
  *r.mutable_ref() = desired.ref();
  r.set_app(desired.app());
  return r;
}

v1::Resource Absent(const v1::Resource& desired) { return ObservedLike(desired); }

void SetString(Struct* s, const std::string& path, const std::string& v) {
  Make(s, path)->set_string_value(v);
}

void SetNumber(Struct* s, const std::string& path, double v) { Make(s, path)->set_number_value(v); }

void SetBool(Struct* s, const std::string& path, bool v) { Make(s, path)->set_bool_value(v); }

void SetStringList(Struct* s, const std::string& path, const std::vector<std::string>& v) {
  auto* list = Make(s, path)->mutable_list_value();
  list->clear_values();
  for (const auto& item : v) list->add_values()->set_string_value(item);
}

void SetStringMap(Struct* s, const std::string& path, const std::map<std::string, std::string>& v) {
  auto* fields = Make(s, path)->mutable_struct_value()->mutable_fields();
  fields->clear();
  for (const auto& [k, item] : v) (*fields)[k].set_string_value(item);
}

void SetTags(v1::Resource* r, const std::map<std::string, std::string>& tags) {
  r->clear_tags();
  for (const auto& [k, v] : tags) (*r->mutable_tags())[k] = v;
  SetStringMap(r->mutable_properties(), "tags", tags);
}

}  // namespace wharf::executors
