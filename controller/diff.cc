#include "controller/diff.h"

#include <map>

#include <google/protobuf/util/json_util.h>

namespace wharf::controller {
namespace {

std::string ToJson(const google::protobuf::Value& v) {
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(v, &out).ok()) out = "?";
  return out;
}

bool IsEmpty(const google::protobuf::Value& v) {
  switch (v.kind_case()) {
    case google::protobuf::Value::kNullValue:
    case google::protobuf::Value::KIND_NOT_SET:
      return true;
    case google::protobuf::Value::kStringValue:
      return v.string_value().empty();
    case google::protobuf::Value::kStructValue:
      return v.struct_value().fields().empty();
    case google::protobuf::Value::kListValue:
      return v.list_value().values().empty();
    default:
      return false;
  }
}

void DiffValue(const std::string& path, const google::protobuf::Value& desired,
               const google::protobuf::Value* observed, std::vector<v1::FieldChange>* out) {
  static const google::protobuf::Value kNull;
  const google::protobuf::Value& obs = observed ? *observed : kNull;
  if (IsEmpty(desired) && IsEmpty(obs)) return;
  if (desired.kind_case() == google::protobuf::Value::kStructValue &&
      obs.kind_case() == google::protobuf::Value::kStructValue) {
    auto nested = DiffProperties(desired.struct_value(), obs.struct_value());
    for (auto& change : nested) {
      change.set_path(path + "." + change.path());
      out->push_back(std::move(change));
    }
    return;
  }
  if (desired.kind_case() == obs.kind_case() && ToJson(desired) == ToJson(obs)) return;
  v1::FieldChange change;
  change.set_path(path);
  change.set_before(IsEmpty(obs) ? "" : ToJson(obs));
  change.set_after(ToJson(desired));
  out->push_back(std::move(change));
}

}  // namespace

std::vector<v1::FieldChange> DiffProperties(const google::protobuf::Struct& desired,
                                            const google::protobuf::Struct& observed) {
  // Sorted keys so the plan reads the same on every run.
  std::map<std::string, const google::protobuf::Value*> sorted;
  for (const auto& [key, value] : desired.fields()) sorted[key] = &value;
  std::vector<v1::FieldChange> changes;
  for (const auto& [key, value] : sorted) {
    auto it = observed.fields().find(key);
    DiffValue(key, *value, it == observed.fields().end() ? nullptr : &it->second, &changes);
  }
  return changes;
}

std::string ActionId(const std::string& app, const v1::ResourceRef& ref, v1::ActionVerb verb) {
  return app + "/" + v1::ResourceKind_Name(ref.kind()) + "/" + ref.name() + "/" +
         v1::ActionVerb_Name(verb);
}

v1::Plan Diff(const std::string& app, const std::vector<v1::Resource>& desired,
              const ObservedLookup& observed) {
  v1::Plan plan;
  plan.set_app(app);
  // Action id of each resource this plan touches, for dependency edges.
  std::map<std::pair<int, std::string>, std::string> action_of;
  for (const auto& resource : desired) {
    const v1::Resource* seen = observed(resource.ref());
    v1::Action action;
    if (seen == nullptr) {
      action.set_verb(v1::CREATE);
    } else {
      auto changes = DiffProperties(resource.properties(), seen->properties());
      if (changes.empty()) continue;
      action.set_verb(v1::UPDATE);
      for (auto& c : changes) *action.add_changes() = std::move(c);
    }
    action.set_app(app);
    action.set_id(ActionId(app, resource.ref(), action.verb()));
    *action.mutable_resource() = resource;
    if (seen != nullptr) action.mutable_resource()->set_id(seen->id());
    for (const auto& dep : resource.depends_on()) {
      auto it = action_of.find({dep.kind(), dep.name()});
      if (it != action_of.end()) action.add_depends_on(it->second);
    }
    action_of[{resource.ref().kind(), resource.ref().name()}] = action.id();
    *plan.add_actions() = std::move(action);
  }
  return plan;
}

}  // namespace wharf::controller
