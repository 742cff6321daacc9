#pragma once

#include "common/bus/dispatch_server.h"
#include "controller/action_dispatcher.h"

namespace wharf::controller {

// ActionDispatcher over the bus's DispatchServer (executors over ROUTER/DEALER).
class BusActionDispatcher final : public ActionDispatcher {
 public:
  explicit BusActionDispatcher(bus::DispatchServer& server) : server_(server) {}
  void Submit(const v1::Action& action) override { server_.Submit(action); }
  void Cancel(const std::string& action_id) override { server_.Cancel(action_id); }
  std::vector<v1::ExecutorState> Executors() const override { return server_.Executors(); }

 private:
  bus::DispatchServer& server_;
};

}  // namespace wharf::controller
