#pragma once

#include <map>
#include <string>
#include <vector>

#include "wharf/v1/events.pb.h"

namespace wharf::controller {

// What one app should be, as the spec watcher last reported it.
struct DesiredApp {
  std::string file;
  // The last valid spec; kept in force while a later edit is invalid.
  v1::AppSpec spec;
  std::string spec_hash;
  bool has_spec = false;
  // Errors of the latest edit; empty when the latest edit is the spec.
  std::vector<v1::SpecError> errors;
  bool removed = false;
  // Submitted with `wharf apply`: kept when a spec-watcher snapshot does not
  // list it (the CLI's file need not be in the watched directory).
  bool from_cli = false;
};

// App specs by name, fed by spec events (level-based: a snapshot replaces
// everything it covers). Each Apply returns the apps whose desired state
// changed and so need a reconcile. Not thread-safe: owned by the
// controller's io thread.
class DesiredStore {
 public:
  std::vector<std::string> Apply(const v1::SpecChanged& changed);
  // A spec submitted by `wharf apply` (see DesiredApp::from_cli).
  std::vector<std::string> ApplyFromCli(const v1::SpecChanged& changed);
  std::vector<std::string> Apply(const v1::SpecInvalid& invalid);
  std::vector<std::string> Apply(const v1::SpecRemoved& removed);
  // Everything not in the snapshot (and known from a file) is removed.
  std::vector<std::string> ApplySnapshot(const v1::SpecSnapshot& snapshot);

  const DesiredApp* Find(const std::string& app) const;
  std::vector<std::string> Apps() const;
  // Invalid files whose app name could not be read, by file.
  const std::map<std::string, v1::SpecInvalid>& unnamed_invalid() const { return unnamed_invalid_; }

 private:
  std::map<std::string, DesiredApp> apps_;
  std::map<std::string, v1::SpecInvalid> unnamed_invalid_;
};

}  // namespace wharf::controller
