#include "controller/controller.h"

#include <gtest/gtest.h>

#include "common/bus/fake_event_sink.h"

namespace wharf::controller {
namespace {

using std::chrono::milliseconds;

class FakeActionDispatcher final : public ActionDispatcher {
 public:
  void Submit(const v1::Action& action) override { submitted.push_back(action); }
  void Cancel(const std::string& action_id) override { cancelled.push_back(action_id); }
  std::vector<v1::ExecutorState> Executors() const override { return {}; }
  std::vector<v1::Action> submitted;
  std::vector<std::string> cancelled;
};

v1::Envelope SpecEvent(const std::string& app, const std::string& hash, uint64_t seq) {
  v1::Envelope e;
  e.set_source("watcher/spec@test:1");
  e.set_sequence(seq);
  auto* c = e.mutable_spec_changed();
  c->set_file(app + ".yaml");
  c->mutable_spec()->set_name(app);
  c->set_spec_hash(hash);
  return e;
}

v1::Envelope Snapshot(uint64_t seq) {
  v1::Envelope e;
  e.set_source("watcher/spec@test:1");
  e.set_sequence(seq);
  e.mutable_spec_snapshot();
  return e;
}

class ControllerTest : public testing::Test {
 protected:
  static Controller::Options Options() {
    Controller::Options o;
    o.required_watchers = {"spec"};
    o.max_action_attempts = 2;
    o.refresh_before_plan = false;
    // The reconcile loop's mechanics, on a one-resource graph.
    o.expand = [](const v1::AppSpec& spec) {
      v1::Resource cluster;
      cluster.mutable_ref()->set_kind(v1::ECS_CLUSTER);
      cluster.mutable_ref()->set_name(spec.name());
      cluster.set_app(spec.name());
      (*cluster.mutable_properties()->mutable_fields())["name"].set_string_value(spec.name());
      return std::vector<v1::Resource>{cluster};
    };
    return o;
  }

  ControllerTest()
      : counters_("test"), controller_(io_, sink_, dispatcher_, clock_, counters_, Options()) {}

  // Runs the io context until `done` or a 5 s bound.
  bool RunUntil(const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.run_for(milliseconds(10));
      io_.restart();
    }
    return done();
  }

  std::vector<std::string> Trail() const {
    std::vector<std::string> out;
    for (const auto& e : sink_.published) {
      if (e.has_app_status()) out.push_back(v1::AppPhase_Name(e.app_status().phase()));
      if (e.has_action_status()) out.push_back(v1::ActionState_Name(e.action_status().state()));
    }
    return out;
  }

  v1::ActionResult Result(v1::ActionOutcome outcome) {
    v1::ActionResult r;
    r.set_action_id(dispatcher_.submitted.back().id());
    r.set_outcome(outcome);
    r.set_mutated(true);
    r.set_executor_id("ex-1");
    *r.mutable_observed() = dispatcher_.submitted.back().resource();
    r.mutable_observed()->set_id("arn:aws:ecs:us-east-1:123456789012:cluster/web");
    if (outcome != v1::SUCCEEDED) {
      r.mutable_error()->set_code("ThrottlingException");
      r.mutable_error()->set_message("Rate exceeded");
    }
    return r;
  }

  asio::io_context io_;
  SystemClock clock_;
  Counters counters_;
  bus::FakeEventSink sink_;
  FakeActionDispatcher dispatcher_;
  Controller controller_;
};

TEST_F(ControllerTest, NothingIsReconciledBeforeTheSpecWatcherSyncs) {
  controller_.Start();
  ASSERT_FALSE(sink_.published.empty());
  EXPECT_EQ(sink_.published[0].resync_request().source(), "watcher/spec");
  controller_.OnEnvelope(SpecEvent("web", "h1", 1));
  EXPECT_TRUE(dispatcher_.submitted.empty());
  EXPECT_FALSE(controller_.synced());
  controller_.OnEnvelope(Snapshot(2));
  EXPECT_TRUE(controller_.synced());
  // The snapshot did not list "web": it is the authoritative view, so web is gone.
  EXPECT_TRUE(dispatcher_.submitted.empty());
}

TEST_F(ControllerTest, SpecBecomesClusterActionAndConvergesInOrder) {
  controller_.OnEnvelope(Snapshot(1));
  controller_.OnEnvelope(SpecEvent("web", "h1", 2));
  ASSERT_EQ(dispatcher_.submitted.size(), 1u);
  const v1::Action& action = dispatcher_.submitted[0];
  EXPECT_EQ(action.verb(), v1::CREATE);
  EXPECT_EQ(action.resource().ref().kind(), v1::ECS_CLUSTER);
  v1::ActionRequest request;
  *request.mutable_action() = action;
  request.set_attempt(1);
  controller_.OnDispatched(request, "ex-1");
  controller_.OnResult(Result(v1::SUCCEEDED));
  EXPECT_EQ(Trail(), (std::vector<std::string>{"APP_PHASE_PLANNING", "ACTION_STATE_QUEUED",
                                               "APP_PHASE_APPLYING", "ACTION_STATE_DISPATCHED",
                                               "ACTION_STATE_SUCCEEDED", "APP_PHASE_CONVERGED"}));
  // Every event of the reconcile carries the plan id as correlation id.
  for (const auto& e : sink_.published) EXPECT_EQ(e.correlation_id(), action.correlation_id());

  auto status = controller_.Status("web");
  ASSERT_EQ(status.apps_size(), 1);
  EXPECT_EQ(status.apps(0).status().phase(), v1::APP_PHASE_CONVERGED);
  ASSERT_EQ(status.apps(0).resources_size(), 1);
  EXPECT_EQ(status.apps(0).resources(0).id(), "arn:aws:ecs:us-east-1:123456789012:cluster/web");

  // The same spec again, and a spec with a new hash: the cluster is observed
  // as desired, so no new action either way.
  controller_.OnEnvelope(SpecEvent("web", "h1", 3));
  controller_.OnEnvelope(SpecEvent("web", "h2", 4));
  EXPECT_EQ(dispatcher_.submitted.size(), 1u);
}

TEST_F(ControllerTest, RetryableFailureIsRetriedThenTerminalFailureReported) {
  controller_.OnEnvelope(Snapshot(1));
  controller_.OnEnvelope(SpecEvent("web", "h1", 2));
  ASSERT_EQ(dispatcher_.submitted.size(), 1u);
  controller_.OnResult(Result(v1::FAILED_RETRYABLE));
  ASSERT_TRUE(RunUntil([&] { return dispatcher_.submitted.size() == 2; }));
  controller_.OnResult(Result(v1::FAILED_RETRYABLE));  // attempt 2 of 2
  auto status = controller_.Status("web");
  EXPECT_EQ(status.apps(0).status().phase(), v1::APP_PHASE_FAILED);
  EXPECT_NE(status.apps(0).status().message().find("ThrottlingException: Rate exceeded"),
            std::string::npos);
  EXPECT_EQ(counters_.Get("actions_failed"), 1);
}

TEST_F(ControllerTest, InvalidSpecIsReportedAndNothingIsApplied) {
  controller_.OnEnvelope(Snapshot(1));
  v1::Envelope e;
  e.set_source("watcher/spec@test:1");
  e.set_sequence(2);
  auto* invalid = e.mutable_spec_invalid();
  invalid->set_file("web.yaml");
  invalid->set_app("web");
  auto* err = invalid->add_errors();
  err->set_field("container.prot");
  err->set_line(7);
  err->set_message("unknown field");
  controller_.OnEnvelope(e);
  EXPECT_TRUE(dispatcher_.submitted.empty());
  auto status = controller_.Status("web");
  EXPECT_EQ(status.apps(0).status().phase(), v1::APP_PHASE_INVALID);
  EXPECT_NE(status.apps(0).status().message().find("web.yaml:7: container.prot"),
            std::string::npos);
}

TEST_F(ControllerTest, SequenceGapAsksTheSourceForAResync) {
  controller_.OnEnvelope(Snapshot(1));
  size_t before = sink_.published.size();
  controller_.OnEnvelope(SpecEvent("web", "h1", 5));  // 2..4 were lost
  EXPECT_EQ(counters_.Get("sequence_gaps"), 1);
  bool asked = false;
  for (size_t i = before; i < sink_.published.size(); ++i) {
    if (sink_.published[i].has_resync_request()) {
      asked = sink_.published[i].resync_request().source() == "watcher/spec";
    }
  }
  EXPECT_TRUE(asked);
}

}  // namespace
}  // namespace wharf::controller
