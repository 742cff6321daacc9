#include "controller/diff.h"

#include <algorithm>
#include <map>
#include <string_view>

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

// Structural equality of two values (numbers exactly, structs by key).
bool SameValue(const google::protobuf::Value& a, const google::protobuf::Value& b) {
  using V = google::protobuf::Value;
  if (a.kind_case() != b.kind_case()) return false;
  switch (a.kind_case()) {
    case V::kStringValue:
      return a.string_value() == b.string_value();
    case V::kNumberValue:
      return a.number_value() == b.number_value();
    case V::kBoolValue:
      return a.bool_value() == b.bool_value();
    case V::kListValue: {
      const auto& x = a.list_value().values();
      const auto& y = b.list_value().values();
      if (x.size() != y.size()) return false;
      for (int i = 0; i < x.size(); ++i) {
        if (!SameValue(x[i], y[i])) return false;
      }
      return true;
    }
    case V::kStructValue: {
      const auto& x = a.struct_value().fields();
      const auto& y = b.struct_value().fields();
      if (x.size() != y.size()) return false;
      for (const auto& [k, v] : x) {
        auto it = y.find(k);
        if (it == y.end() || !SameValue(v, it->second)) return false;
      }
      return true;
    }
    default:
      return true;  // both null / unset
  }
}

using Overlay = std::vector<std::pair<std::string, google::protobuf::Value>>;

const google::protobuf::Value* OverlayAt(const Overlay& overlay, const std::string& path) {
  for (const auto& [p, v] : overlay) {
    if (p == path) return &v;
  }
  return nullptr;
}

bool OverlayBelow(const Overlay& overlay, const std::string& path) {
  for (const auto& [p, v] : overlay) {
    if (p.size() > path.size() && p.compare(0, path.size(), path) == 0 && p[path.size()] == '.') {
      return true;
    }
  }
  return false;
}

void Change(const std::string& path, const google::protobuf::Value& desired,
            const google::protobuf::Value& observed, std::vector<v1::FieldChange>* out) {
  v1::FieldChange change;
  change.set_path(path);
  change.set_before(IsEmpty(observed) ? "" : ToJson(observed));
  change.set_after(ToJson(desired));
  out->push_back(std::move(change));
}

void DiffStruct(const google::protobuf::Struct& desired, const google::protobuf::Struct* observed,
                const std::string& prefix, const Overlay& overlay,
                std::vector<v1::FieldChange>* out);

void DiffValue(const std::string& path, const google::protobuf::Value& desired,
               const google::protobuf::Value* observed, const Overlay& overlay,
               std::vector<v1::FieldChange>* out) {
  static const google::protobuf::Value kNull;
  const google::protobuf::Value& obs = observed ? *observed : kNull;
  const bool deeper = !overlay.empty() && OverlayBelow(overlay, path);
  if (!deeper && IsEmpty(desired) && IsEmpty(obs)) return;
  if (desired.kind_case() == google::protobuf::Value::kStructValue || deeper) {
    if (obs.kind_case() == google::protobuf::Value::kStructValue || IsEmpty(obs)) {
      static const google::protobuf::Struct kEmpty;
      DiffStruct(
          desired.kind_case() == google::protobuf::Value::kStructValue ? desired.struct_value()
                                                                       : kEmpty,
          obs.kind_case() == google::protobuf::Value::kStructValue ? &obs.struct_value() : nullptr,
          path, overlay, out);
      return;
    }
  }
  if (SameValue(desired, obs)) return;
  Change(path, desired, obs, out);
}

void DiffStruct(const google::protobuf::Struct& desired, const google::protobuf::Struct* observed,
                const std::string& prefix, const Overlay& overlay,
                std::vector<v1::FieldChange>* out) {
  // Sorted keys so the plan reads the same on every run; inputs add keys.
  static const google::protobuf::Value kNull;
  struct Entry {
    std::string_view key;
    const google::protobuf::Value* value;
  };
  std::vector<Entry> keys;
  keys.reserve(static_cast<size_t>(desired.fields().size()) + overlay.size());
  for (const auto& [key, value] : desired.fields()) {
    if (prefix.empty() && key == "create_only") continue;
    keys.push_back({key, &value});
  }
  for (const auto& [path, value] : overlay) {
    if (!prefix.empty() &&
        (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0 ||
         path[prefix.size()] != '.')) {
      continue;
    }
    std::string_view rest(path);
    if (!prefix.empty()) rest.remove_prefix(prefix.size() + 1);
    std::string_view key = rest.substr(0, rest.find('.'));
    bool known =
        std::any_of(keys.begin(), keys.end(), [&](const Entry& e) { return e.key == key; });
    if (!known) keys.push_back({key, &kNull});
  }
  std::sort(keys.begin(), keys.end(), [](const Entry& x, const Entry& y) { return x.key < y.key; });
  std::string path;
  for (const auto& [key, value] : keys) {
    const google::protobuf::Value* obs = nullptr;
    if (observed != nullptr) {
      auto it = observed->fields().find(std::string(key));
      if (it != observed->fields().end()) obs = &it->second;
    }
    // Cheap exit for the common case: no input here, equal values.
    const bool scalar = value->kind_case() != google::protobuf::Value::kStructValue;
    if (overlay.empty() && scalar && obs != nullptr && SameValue(*value, *obs)) continue;
    path.assign(prefix);
    if (!path.empty()) path += '.';
    path.append(key);
    if (const google::protobuf::Value* in = overlay.empty() ? nullptr : OverlayAt(overlay, path)) {
      DiffValue(path, *in, obs, {}, out);
    } else {
      DiffValue(path, *value, obs, overlay, out);
    }
  }
}

// Would acting on `verb` change the outputs of a resource of `kind`?
bool ChangesOutputs(v1::ResourceKind kind, v1::ActionVerb verb) {
  return verb == v1::CREATE || verb == v1::REPLACE ||
         (kind == v1::TASK_DEFINITION && verb == v1::UPDATE);
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
  std::vector<v1::FieldChange> changes;
  DiffStruct(desired, &observed, "", {}, &changes);
  return changes;
}

std::string ActionId(const std::string& app, const v1::ResourceRef& ref, v1::ActionVerb verb) {
  return app + "/" + v1::ResourceKind_Name(ref.kind()) + "/" + ref.name() + "/" +
         v1::ActionVerb_Name(verb);
}

v1::Plan Diff(const std::string& app, const std::vector<v1::Resource>& desired,
              const ObservedLookup& observed, const std::vector<const v1::Resource*>& known) {
  v1::Plan plan;
  plan.set_app(app);
  // Action (id, verb) of each resource this plan touches, for edges.
  std::map<Key, std::pair<std::string, v1::ActionVerb>> action_of;
  // Whether an action so far changes outputs later resources may read.
  bool outputs_change = false;
  static const google::protobuf::Map<std::string, std::string> kNoInputs;
  static const std::vector<const v1::Resource*> kNoResources;
  size_t seen_present = 0;  // desired resources observed present (not VPC)
  std::vector<std::string> apply_ids;
  const v1::Resource* preflight = nullptr;
  for (const auto& resource : desired) {
    if (resource.ref().kind() == v1::PREFLIGHT) {
      preflight = &resource;
      continue;
    }
    const v1::Resource* seen = observed(resource.ref());
    if (seen != nullptr && seen->id().empty()) seen = nullptr;  // looked for, absent
    if (seen != nullptr && resource.ref().kind() != v1::VPC) ++seen_present;
    v1::ActionVerb verb = v1::CREATE;
    std::vector<v1::FieldChange> changes;
    if (seen != nullptr) {
      ResolvedInputs resolved = ResolveInputValues(resource, observed);
      if (resource.ref().kind() == v1::TASK_DEFINITION) {
        if (resource.content_hash() != seen->content_hash()) {
          v1::FieldChange c;
          c.set_path("content_hash");
          c.set_before(seen->content_hash());
          c.set_after(resource.content_hash());
          changes.push_back(std::move(c));
        }
      } else {
        DiffStruct(resource.properties(), &seen->properties(), "", resolved.values, &changes);
      }
      for (const auto& path : resolved.unresolved) {
        v1::FieldChange c;
        c.set_path(path);
        c.set_after(kKnownAfterApply);
        changes.push_back(std::move(c));
      }
      // Inputs whose source this plan changes: the new value is known only
      // once that action ran.
      for (const auto& [path, text] : outputs_change ? resource.inputs() : kNoInputs) {
        for (const auto& src : InputSources(text)) {
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
    outputs_change |= ChangesOutputs(resource.ref().kind(), verb);
    apply_ids.push_back(action.id());
    *plan.add_actions() = std::move(action);
  }

  // Verify before mutating: the preflight goes first, everything waits for it.
  if (preflight != nullptr && plan.actions_size() > 0) {
    v1::Action check = MakeAction(app, v1::CREATE, *preflight);
    for (auto& action : *plan.mutable_actions()) action.add_depends_on(check.id());
    plan.mutable_actions()->Add(std::move(check));
    std::rotate(plan.mutable_actions()->rbegin(), plan.mutable_actions()->rbegin() + 1,
                plan.mutable_actions()->rend());
    apply_ids.push_back(plan.actions(0).id());
  }

  // Prune: what is known of the app but no longer desired. Every desired
  // resource seen is known, so more known ones than that means orphans.
  size_t known_present = 0;
  for (const v1::Resource* r : known) {
    known_present +=
        r->ref().kind() != v1::VPC && r->ref().kind() != v1::PREFLIGHT && !r->id().empty();
  }
  std::set<Key> wanted;
  if (known_present > seen_present) {
    for (const auto& r : desired) wanted.insert(KeyOf(r.ref()));
  }
  std::vector<const v1::Resource*> orphans;
  for (const v1::Resource* r : known_present > seen_present ? known : kNoResources) {
    if (r->ref().kind() == v1::VPC || r->ref().kind() == v1::PREFLIGHT || r->id().empty() ||
        wanted.count(KeyOf(r->ref()))) {
      continue;
    }
    orphans.push_back(r);
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

v1::Plan PlanObserve(const std::string& app, const std::vector<v1::Resource>& desired) {
  v1::Plan plan;
  plan.set_app(app);
  std::set<Key> included;
  for (const auto& r : desired) {
    if (r.ref().kind() == v1::PREFLIGHT) continue;
    v1::Action action = MakeAction(app, v1::OBSERVE, r);
    for (const auto& dep : r.depends_on()) {
      if (included.count(KeyOf(dep))) action.add_depends_on(ActionId(app, dep, v1::OBSERVE));
    }
    included.insert(KeyOf(r.ref()));
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
    if (r.ref().kind() == v1::VPC || r.ref().kind() == v1::PREFLIGHT ||
        retain.count(RefKey(r.ref()))) {
      continue;
    }
    included[KeyOf(r.ref())] = &r;
  }
  // Delete X after every included Y that needs X.
  for (auto it = desired.rbegin(); it != desired.rend(); ++it) {
    if (!included.count(KeyOf(it->ref()))) continue;
    v1::Action action = MakeAction(app, v1::DELETE, *it);
    for (const auto& other : desired) {
      if (!included.count(KeyOf(other.ref()))) continue;
      bool needs =
          std::any_of(other.depends_on().begin(), other.depends_on().end(),
                      [&](const v1::ResourceRef& d) { return KeyOf(d) == KeyOf(it->ref()); });
      if (needs) action.add_depends_on(ActionId(app, other.ref(), v1::DELETE));
    }
    *plan.add_actions() = std::move(action);
  }
  return plan;
}

}  // namespace wharf::controller
