#include "executors/executor.h"

#include <memory>

#include "common/base/logging.h"

namespace wharf::executors {

Executor::Executor(asio::io_context& io, const HandlerRegistry& registry, std::string executor_id,
                   Options options, Counters& counters)
    : io_(io),
      registry_(registry),
      executor_id_(std::move(executor_id)),
      options_(options),
      counters_(counters) {}

void Executor::Handle(const v1::ActionRequest& request, Done done) {
  const v1::Action& action = request.action();
  auto finish = [this, request, done = std::move(done)](v1::ActionResult result) {
    result.set_action_id(request.action().id());
    result.set_app(request.action().app());
    result.set_attempt(request.attempt());
    result.set_executor_id(executor_id_);
    counters_.Increment(result.outcome() == v1::SUCCEEDED ? "actions_succeeded" : "actions_failed");
    Logger("executor")
        ->info("app={} req={} {} -> {}{}", request.action().app(),
               request.action().correlation_id(), request.action().id(),
               v1::ActionOutcome_Name(result.outcome()),
               result.has_error() ? ": " + result.error().code() + " " + result.error().message()
                                  : "");
    if (options_.hold_result.count() == 0) {
      done(std::move(result));
      return;
    }
    auto timer = std::make_shared<asio::steady_timer>(io_, options_.hold_result);
    timer->async_wait([timer, done, result = std::move(result)](const boost::system::error_code&) {
      done(result);
    });
  };

  ActionHandler* handler = registry_.Find(action.resource().ref().kind(), action.verb());
  Logger("executor")
      ->info("app={} req={} {} attempt {}", action.app(), action.correlation_id(), action.id(),
             request.attempt());
  if (handler == nullptr) {
    v1::ActionResult result;
    result.set_outcome(v1::FAILED_TERMINAL);
    result.mutable_error()->set_code("NoHandler");
    result.mutable_error()->set_message("this executor has no handler for " +
                                        v1::ResourceKind_Name(action.resource().ref().kind()) +
                                        "/" + v1::ActionVerb_Name(action.verb()));
    finish(std::move(result));
    return;
  }
  counters_.Increment("actions_started");
  handler->Handle(action, std::move(finish));
}

}  // namespace wharf::executors
