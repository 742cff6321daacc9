#include "controller/plan_runner.h"

#include <gtest/gtest.h>

namespace wharf::controller {
namespace {

v1::Plan ThreeStepPlan() {
  // a -> c, b -> c
  v1::Plan plan;
  plan.set_id("p");
  for (std::string id : {"a", "b", "c"}) plan.add_actions()->set_id(id);
  plan.mutable_actions(2)->add_depends_on("a");
  plan.mutable_actions(2)->add_depends_on("b");
  return plan;
}

v1::ActionResult Result(const std::string& id, v1::ActionOutcome outcome) {
  v1::ActionResult r;
  r.set_action_id(id);
  r.set_outcome(outcome);
  r.mutable_error()->set_message(id + " broke");
  return r;
}

std::vector<std::string> Ids(const std::vector<v1::Action>& actions) {
  std::vector<std::string> ids;
  for (const auto& a : actions) ids.push_back(a.id());
  return ids;
}

TEST(PlanRunnerTest, RunsIndependentActionsTogetherAndDependentsAfter) {
  PlanRunner runner(ThreeStepPlan(), 3);
  EXPECT_EQ(Ids(runner.TakeReady()), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(runner.TakeReady().empty());
  runner.OnResult(Result("a", v1::SUCCEEDED));
  EXPECT_TRUE(runner.TakeReady().empty());  // c still needs b
  runner.OnResult(Result("b", v1::SUCCEEDED));
  EXPECT_EQ(Ids(runner.TakeReady()), std::vector<std::string>{"c"});
  EXPECT_EQ(runner.state(), PlanRunner::State::kRunning);
  runner.OnResult(Result("c", v1::SUCCEEDED));
  EXPECT_EQ(runner.state(), PlanRunner::State::kSucceeded);
  EXPECT_EQ(runner.succeeded(), 3);
}

TEST(PlanRunnerTest, RetryableFailureRetriesUpToMaxAttemptsThenFails) {
  PlanRunner runner(ThreeStepPlan(), 2);
  runner.TakeReady();
  EXPECT_EQ(runner.OnResult(Result("a", v1::FAILED_RETRYABLE)), PlanRunner::Verdict::kRetryLater);
  EXPECT_EQ(runner.state(), PlanRunner::State::kRunning);
  EXPECT_GT(runner.RetryDelay("a").count(), 0);
  runner.Retry("a");
  EXPECT_TRUE(runner.in_flight("a"));
  EXPECT_EQ(runner.attempts("a"), 2);
  EXPECT_EQ(runner.OnResult(Result("a", v1::FAILED_RETRYABLE)), PlanRunner::Verdict::kContinue);
  runner.OnResult(Result("b", v1::SUCCEEDED));
  EXPECT_EQ(runner.state(), PlanRunner::State::kFailed);
  EXPECT_EQ(runner.error().message(), "a broke");
  EXPECT_TRUE(runner.TakeReady().empty());  // c never starts
}

TEST(PlanRunnerTest, InProgressIsPolledWithoutUsingAttemptsUntilItsLimit) {
  PlanRunner runner(ThreeStepPlan(), /*max_attempts=*/1, /*max_polls=*/3);
  runner.TakeReady();
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(runner.OnResult(Result("a", v1::IN_PROGRESS)), PlanRunner::Verdict::kPollLater);
    EXPECT_EQ(runner.state(), PlanRunner::State::kRunning);
    runner.Retry("a");
    EXPECT_EQ(runner.attempts("a"), 1) << "a poll is not an attempt";
  }
  // Past the poll limit it is a failure like any other (no attempts left).
  EXPECT_EQ(runner.OnResult(Result("a", v1::IN_PROGRESS)), PlanRunner::Verdict::kContinue);
  runner.OnResult(Result("b", v1::SUCCEEDED));
  EXPECT_EQ(runner.state(), PlanRunner::State::kFailed);

  PlanRunner done(ThreeStepPlan(), 1, 3);
  done.TakeReady();
  ASSERT_EQ(done.OnResult(Result("a", v1::IN_PROGRESS)), PlanRunner::Verdict::kPollLater);
  done.Retry("a");
  done.OnResult(Result("a", v1::SUCCEEDED));
  done.OnResult(Result("b", v1::SUCCEEDED));
  EXPECT_EQ(Ids(done.TakeReady()), std::vector<std::string>{"c"});
}

TEST(PlanRunnerTest, TerminalFailureStopsNewWorkButWaitsForInFlight) {
  PlanRunner runner(ThreeStepPlan(), 5);
  runner.TakeReady();
  runner.OnResult(Result("a", v1::FAILED_TERMINAL));
  EXPECT_EQ(runner.state(), PlanRunner::State::kRunning);  // b still in flight
  runner.OnResult(Result("b", v1::SUCCEEDED));
  EXPECT_TRUE(runner.TakeReady().empty());
  EXPECT_EQ(runner.state(), PlanRunner::State::kFailed);
}

TEST(PlanRunnerTest, ResultsForUnknownOrFinishedActionsAreIgnored) {
  PlanRunner runner(ThreeStepPlan(), 3);
  runner.TakeReady();
  EXPECT_EQ(runner.OnResult(Result("zzz", v1::SUCCEEDED)), PlanRunner::Verdict::kIgnored);
  runner.OnResult(Result("a", v1::SUCCEEDED));
  EXPECT_EQ(runner.OnResult(Result("a", v1::SUCCEEDED)), PlanRunner::Verdict::kIgnored);
  EXPECT_EQ(runner.OnResult(Result("c", v1::SUCCEEDED)), PlanRunner::Verdict::kIgnored);
}

}  // namespace
}  // namespace wharf::controller
