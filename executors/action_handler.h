#pragma once

#include <functional>

#include "wharf/v1/plan.pb.h"

namespace wharf::executors {

// Carries out one kind of action against the cloud (one resource kind and
// verb). Handlers are idempotent: CREATE looks the resource up by name
// before creating it, so an action dispatched twice never makes two.
// Called on the executor's io thread; `done` must be called exactly once,
// on that thread. The result's outcome, observed resource, error and
// `mutated` are the handler's to fill; ids and attempt are filled by Executor.
class ActionHandler {
 public:
  using Done = std::function<void(v1::ActionResult)>;
  virtual ~ActionHandler() = default;
  virtual void Handle(const v1::Action& action, Done done) = 0;
};

}  // namespace wharf::executors
