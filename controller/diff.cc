#include "controller/diff.h"

#include <algorithm>
#include <map>

#include <google/protobuf/util/json_util.h>

#include "controller/expand.h"
#include "controller/input_resolver.h"

namespace wharf::controller {
namespace {

using Key = std::pair<int, std::string>;  // kind, name

Key KeyOf(const v1::ResourceRef& ref) { return {ref.kind(), ref.name()}; }

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

// Would acting on `verb` change the outputs of a resource of `kind`?
bool ChangesOutputs(v1::ResourceKind kind, v1::ActionVerb verb) {
  return verb == v1::CREATE || verb == v1::REPLACE ||
         (kind == v1::TASK_DEFINITION && verb == v1::UPDATE);
}

// Resources whose outputs `resource`'s inputs read.
std::vector<v1::ResourceRef> InputSources(const v1::Resource& resource) {
  std::vector<v1::ResourceRef> out;
  for (const auto& [path, text] : resource.inputs()) {
    // Either one or more ','-joined refs, or a template of "{ref}" parts.
    std::string refs = text;
    if (text.find('{') != std::string::npos) {
      refs.clear();
      size_t at = 0;
      while ((at = text.find('{', at)) != std::string::npos) {
        size_t close = text.find('}', at);
        if (close == std::string::npos) break;
        refs += text.substr(at + 1, close - at - 1) + ",";
        at = close + 1;
      }
    }
    size_t start = 0;
    while (start < refs.size()) {
      size_t end = refs.find(',', start);
      if (end == std::string::npos) end = refs.size();
      v1::ResourceRef ref;
      std::string output;
      if (ParseOutputRef(refs.substr(start, end - start), &ref, &output)) out.push_back(ref);
      start = end + 1;
    }
  }
  return out;
}

v1::Action MakeAction(const std::string& app, v1::ActionVerb verb, const v1::Resource& resource) {
  v1::Action action;
  action.set_app(app);
  action.set_verb(verb);
  action.set_id(ActionId(app, resource.ref(), verb));
  *action.mutable_resource() = resource;
  return action;
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
              const ObservedLookup& observed, const std::vector<v1::Resource>& known) {
  v1::Plan plan;
  plan.set_app(app);
  // Action (id, verb) of each resource this plan touches, for edges.
  std::map<Key, std::pair<std::string, v1::ActionVerb>> action_of;
  std::vector<std::string> apply_ids;
  for (const auto& resource : desired) {
    const v1::Resource* seen = observed(resource.ref());
    if (seen != nullptr && seen->id().empty()) seen = nullptr;  // looked for, absent
    v1::ActionVerb verb = v1::CREATE;
    std::vector<v1::FieldChange> changes;
    if (seen != nullptr) {
      ResolvedResource resolved = ResolveInputs(resource, observed);
      google::protobuf::Struct wanted = resolved.resource.properties();
      wanted.mutable_fields()->erase("create_only");
      if (resource.ref().kind() == v1::TASK_DEFINITION) {
        if (resource.content_hash() != seen->content_hash()) {
          v1::FieldChange c;
          c.set_path("content_hash");
          c.set_before(seen->content_hash());
          c.set_after(resource.content_hash());
          changes.push_back(std::move(c));
        }
      } else {
        changes = DiffProperties(wanted, seen->properties());
      }
      for (const auto& path : resolved.unresolved) {
        v1::FieldChange c;
        c.set_path(path);
        c.set_after(kKnownAfterApply);
        changes.push_back(std::move(c));
      }
      // Inputs whose source this plan changes: the new value is known only
      // once that action ran.
      for (const auto& [path, text] : resource.inputs()) {
        v1::Resource one;
        (*one.mutable_inputs())[path] = text;
        for (const auto& src : InputSources(one)) {
          auto it = action_of.find(KeyOf(src));
          if (it == action_of.end() || !ChangesOutputs(src.kind(), it->second.second)) continue;
          std::string target = path.size() > 2 && path.substr(path.size() - 2) == "[]"
                                   ? path.substr(0, path.size() - 2)
                                   : path;
          bool listed = std::any_of(changes.begin(), changes.end(),
                                    [&](const v1::FieldChange& c) { return c.path() == target; });
          if (listed) continue;
          v1::FieldChange c;
          c.set_path(target);
          c.set_after(kKnownAfterApply);
          changes.push_back(std::move(c));
        }
      }
      if (changes.empty()) continue;
      verb = v1::UPDATE;
    }
    v1::Action action = MakeAction(app, verb, resource);
    for (auto& c : changes) *action.add_changes() = std::move(c);
    if (seen != nullptr) action.mutable_resource()->set_id(seen->id());
    for (const auto& dep : resource.depends_on()) {
      auto it = action_of.find(KeyOf(dep));
      if (it != action_of.end()) action.add_depends_on(it->second.first);
    }
    action_of[KeyOf(resource.ref())] = {action.id(), verb};
    apply_ids.push_back(action.id());
    *plan.add_actions() = std::move(action);
  }

  // Prune: what is known of the app but no longer desired.
  std::set<Key> wanted;
  for (const auto& r : desired) wanted.insert(KeyOf(r.ref()));
  std::vector<const v1::Resource*> orphans;
  for (const auto& r : known) {
    if (r.ref().kind() == v1::VPC || r.id().empty() || wanted.count(KeyOf(r.ref()))) continue;
    orphans.push_back(&r);
  }
  std::sort(orphans.begin(), orphans.end(), [](const v1::Resource* a, const v1::Resource* b) {
    return KeyOf(a->ref()) > KeyOf(b->ref());  // dependents (higher kinds) first
  });
  std::vector<std::pair<int, std::string>> pruned;  // kind, action id
  for (const v1::Resource* r : orphans) {
    v1::Action action = MakeAction(app, v1::DELETE, *r);
    for (const auto& id : apply_ids) action.add_depends_on(id);
    for (const auto& [kind, id] : pruned) {
      if (kind > r->ref().kind()) action.add_depends_on(id);
    }
    pruned.emplace_back(r->ref().kind(), action.id());
    *plan.add_actions() = std::move(action);
  }
  return plan;
}

v1::Plan PlanDestroy(const std::string& app, const std::vector<v1::Resource>& desired,
                     const std::set<std::string>& retain) {
  v1::Plan plan;
  plan.set_app(app);
  std::map<Key, const v1::Resource*> included;
  for (const auto& r : desired) {
    if (r.ref().kind() == v1::VPC || retain.count(RefKey(r.ref()))) continue;
    included[KeyOf(r.ref())] = &r;
  }
  // Delete X after every included Y that needs X.
  for (auto it = desired.rbegin(); it != desired.rend(); ++it) {
    if (!included.count(KeyOf(it->ref()))) continue;
    v1::Action action = MakeAction(app, v1::DELETE, *it);
    for (const auto& other : desired) {
      if (!included.count(KeyOf(other.ref()))) continue;
      bool needs = std::any_of(other.depends_on().begin(), other.depends_on().end(),
                               [&](const v1::ResourceRef& d) { return KeyOf(d) == KeyOf(it->ref()); });
      if (needs) action.add_depends_on(ActionId(app, other.ref(), v1::DELETE));
    }
    *plan.add_actions() = std::move(action);
  }
  return plan;
}

}  // namespace wharf::controller
