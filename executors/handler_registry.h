#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "executors/action_handler.h"
#include "wharf/v1/plan.pb.h"
#include "wharf/v1/resource.pb.h"

namespace wharf::executors {

// Action handlers by (resource kind, verb). Built at start-up, then read-only.
class HandlerRegistry {
 public:
  void Register(v1::ResourceKind kind, v1::ActionVerb verb, std::shared_ptr<ActionHandler> handler);
  // nullptr when no handler is registered.
  ActionHandler* Find(v1::ResourceKind kind, v1::ActionVerb verb) const;
  // "ECS_CLUSTER/CREATE", ... (for ExecutorHello).
  std::vector<std::string> Names() const;

 private:
  std::map<std::pair<int, int>, std::shared_ptr<ActionHandler>> handlers_;
};

}  // namespace wharf::executors
