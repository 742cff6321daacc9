#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "common/base/asio.h"
#include "common/base/counters.h"
#include "executors/handler_registry.h"
#include "wharf/v1/dispatch.pb.h"

namespace wharf::executors {

// Runs the actions the controller dispatches: finds the handler for the
// action's kind and verb, runs it, and answers with an ActionResult that
// names the action, the attempt and this executor. An action with no handler
// fails terminally. Owned and called by one io thread.
class Executor {
 public:
  using Done = std::function<void(v1::ActionResult)>;
  struct Options {
    // Test hook: hold every result this long before reporting it, so a test
    // can kill the executor while it holds an action it already carried out.
    std::chrono::milliseconds hold_result{0};
  };

  Executor(asio::io_context& io, const HandlerRegistry& registry, std::string executor_id,
           Options options, Counters& counters);
  void Handle(const v1::ActionRequest& request, Done done);

 private:
  asio::io_context& io_;
  const HandlerRegistry& registry_;
  const std::string executor_id_;
  const Options options_;
  Counters& counters_;
};

}  // namespace wharf::executors
