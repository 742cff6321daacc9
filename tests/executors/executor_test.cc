#include "executors/executor.h"

#include <gtest/gtest.h>

#include <optional>

#include "tests/support/run_until.h"

namespace wharf::executors {
namespace {

// Answers every action with a scripted outcome.
class ScriptedHandler final : public ActionHandler {
 public:
  explicit ScriptedHandler(v1::ActionOutcome outcome) : outcome_(outcome) {}
  void Handle(const v1::Action& action, Done done) override {
    seen.push_back(action.id());
    v1::ActionResult result;
    result.set_outcome(outcome_);
    result.set_mutated(true);
    done(result);
  }
  std::vector<std::string> seen;

 private:
  v1::ActionOutcome outcome_;
};

v1::ActionRequest Request(v1::ResourceKind kind, v1::ActionVerb verb, uint32_t attempt) {
  v1::ActionRequest request;
  request.set_attempt(attempt);
  auto* action = request.mutable_action();
  action->set_id("web/ECS_CLUSTER/web/CREATE");
  action->set_app("web");
  action->set_verb(verb);
  action->mutable_resource()->mutable_ref()->set_kind(kind);
  action->mutable_resource()->mutable_ref()->set_name("web");
  return request;
}

TEST(HandlerRegistryTest, FindsByKindAndVerbAndListsNames) {
  HandlerRegistry registry;
  auto handler = std::make_shared<ScriptedHandler>(v1::SUCCEEDED);
  registry.Register(v1::ECS_CLUSTER, v1::CREATE, handler);
  EXPECT_EQ(registry.Find(v1::ECS_CLUSTER, v1::CREATE), handler.get());
  EXPECT_EQ(registry.Find(v1::ECS_CLUSTER, v1::DELETE), nullptr);
  EXPECT_EQ(registry.Find(v1::LOG_GROUP, v1::CREATE), nullptr);
  EXPECT_EQ(registry.Names(), std::vector<std::string>{"ECS_CLUSTER/CREATE"});
}

TEST(ExecutorTest, FillsIdentityIntoTheHandlersResult) {
  asio::io_context io;
  Counters counters("test");
  HandlerRegistry registry;
  auto handler = std::make_shared<ScriptedHandler>(v1::SUCCEEDED);
  registry.Register(v1::ECS_CLUSTER, v1::CREATE, handler);
  Executor executor(io, registry, "executor-7", {}, counters);
  std::optional<v1::ActionResult> got;
  executor.Handle(Request(v1::ECS_CLUSTER, v1::CREATE, 3), [&](v1::ActionResult r) { got = r; });
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->action_id(), "web/ECS_CLUSTER/web/CREATE");
  EXPECT_EQ(got->app(), "web");
  EXPECT_EQ(got->attempt(), 3u);
  EXPECT_EQ(got->executor_id(), "executor-7");
  EXPECT_EQ(got->outcome(), v1::SUCCEEDED);
  EXPECT_EQ(counters.Get("actions_succeeded"), 1);
}

TEST(ExecutorTest, ActionWithoutHandlerFailsTerminallyNamingWhatIsMissing) {
  asio::io_context io;
  Counters counters("test");
  HandlerRegistry registry;
  Executor executor(io, registry, "executor-1", {}, counters);
  std::optional<v1::ActionResult> got;
  executor.Handle(Request(v1::LOG_GROUP, v1::DELETE, 1), [&](v1::ActionResult r) { got = r; });
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->outcome(), v1::FAILED_TERMINAL);
  EXPECT_EQ(got->error().code(), "NoHandler");
  EXPECT_NE(got->error().message().find("LOG_GROUP/DELETE"), std::string::npos);
}

TEST(ExecutorTest, HoldResultDelaysTheAnswer) {
  asio::io_context io;
  Counters counters("test");
  HandlerRegistry registry;
  registry.Register(v1::ECS_CLUSTER, v1::CREATE, std::make_shared<ScriptedHandler>(v1::SUCCEEDED));
  Executor::Options options;
  options.hold_result = std::chrono::milliseconds(200);
  Executor executor(io, registry, "executor-1", options, counters);
  std::optional<v1::ActionResult> got;
  auto start = std::chrono::steady_clock::now();
  executor.Handle(Request(v1::ECS_CLUSTER, v1::CREATE, 1), [&](v1::ActionResult r) { got = r; });
  EXPECT_FALSE(got.has_value());
  ASSERT_TRUE(test_support::RunUntil(io, [&] { return got.has_value(); }));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
}

}  // namespace
}  // namespace wharf::executors
