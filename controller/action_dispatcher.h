#pragma once

#include <string>
#include <vector>

#include "wharf/v1/control.pb.h"
#include "wharf/v1/plan.pb.h"

namespace wharf::controller {

// Where the controller sends actions to be carried out. The bus
// implementation (BusActionDispatcher) hands them to executors; tests use a
// fake. Results come back through Controller::OnResult. Called on the
// controller's io thread.
class ActionDispatcher {
 public:
  virtual ~ActionDispatcher() = default;
  // Queues the action; re-submitting an id already held is a no-op.
  virtual void Submit(const v1::Action& action) = 0;
  virtual void Cancel(const std::string& action_id) = 0;
  virtual std::vector<v1::ExecutorState> Executors() const = 0;
};

}  // namespace wharf::controller
