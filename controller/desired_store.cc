#include "controller/desired_store.h"

#include <set>

namespace wharf::controller {

std::vector<std::string> DesiredStore::Apply(const v1::SpecChanged& changed) {
  const std::string& name = changed.spec().name();
  unnamed_invalid_.erase(changed.file());
  DesiredApp& app = apps_[name];
  bool same = app.has_spec && !app.removed && app.spec_hash == changed.spec_hash() &&
              app.errors.empty() && app.file == changed.file();
  app.file = changed.file();
  app.spec = changed.spec();
  app.spec_hash = changed.spec_hash();
  app.has_spec = true;
  app.errors.clear();
  app.removed = false;
  app.from_cli = false;
  if (same) return {};
  return {name};
}

std::vector<std::string> DesiredStore::ApplyFromCli(const v1::SpecChanged& changed) {
  auto out = Apply(changed);
  apps_[changed.spec().name()].from_cli = true;
  return out;
}

std::vector<std::string> DesiredStore::Apply(const v1::SpecInvalid& invalid) {
  if (invalid.app().empty()) {
    unnamed_invalid_[invalid.file()] = invalid;
    return {};
  }
  DesiredApp& app = apps_[invalid.app()];
  std::vector<v1::SpecError> errors(invalid.errors().begin(), invalid.errors().end());
  bool same = app.file == invalid.file() && app.errors.size() == errors.size() && !app.removed;
  for (size_t i = 0; same && i < errors.size(); ++i) {
    same = errors[i].SerializeAsString() == app.errors[i].SerializeAsString();
  }
  app.file = invalid.file();
  app.errors = std::move(errors);
  app.removed = false;
  if (same) return {};
  return {invalid.app()};
}

std::vector<std::string> DesiredStore::Apply(const v1::SpecRemoved& removed) {
  unnamed_invalid_.erase(removed.file());
  std::vector<std::string> changed;
  for (auto& [name, app] : apps_) {
    if (app.file == removed.file() && !app.removed &&
        (removed.app().empty() || removed.app() == name)) {
      app.removed = true;
      changed.push_back(name);
    }
  }
  return changed;
}

std::vector<std::string> DesiredStore::ApplySnapshot(const v1::SpecSnapshot& snapshot) {
  std::set<std::string> changed;
  std::set<std::string> present;
  unnamed_invalid_.clear();
  for (const auto& spec : snapshot.specs()) {
    present.insert(spec.spec().name());
    // `wharf apply` wins over a snapshot; an edit of the file (SpecChanged)
    // wins over `wharf apply`.
    if (auto it = apps_.find(spec.spec().name()); it != apps_.end() && it->second.from_cli) {
      continue;
    }
    for (auto& name : Apply(spec)) changed.insert(name);
  }
  for (const auto& invalid : snapshot.invalid()) {
    if (!invalid.app().empty()) present.insert(invalid.app());
    for (auto& name : Apply(invalid)) changed.insert(name);
  }
  for (auto& [name, app] : apps_) {
    if (!present.count(name) && !app.removed && !app.from_cli) {
      app.removed = true;
      changed.insert(name);
    }
  }
  return {changed.begin(), changed.end()};
}

const DesiredApp* DesiredStore::Find(const std::string& app) const {
  auto it = apps_.find(app);
  return it == apps_.end() ? nullptr : &it->second;
}

std::vector<std::string> DesiredStore::Apps() const {
  std::vector<std::string> names;
  for (const auto& [name, app] : apps_) names.push_back(name);
  return names;
}

}  // namespace wharf::controller
