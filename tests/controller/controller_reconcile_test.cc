// The controller's reconcile around AWS: it reads every resource (refresh)
// before planning, corrects drift or only reports it (observe-only), and
// records applied specs and destroys in its journal so a restarted
// controller keeps them.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "common/bus/fake_event_sink.h"
#include "controller/controller.h"

namespace wharf::controller {
namespace {

class FakeActionDispatcher final : public ActionDispatcher {
 public:
  void Submit(const v1::Action& action) override { submitted.push_back(action); }
  void Cancel(const std::string&) override {}
  std::vector<v1::ExecutorState> Executors() const override { return {}; }
  std::vector<v1::Action> submitted;
};

// One resource per app: its cluster, named after the app, with a "size".
std::vector<v1::Resource> Graph(const v1::AppSpec& spec) {
  v1::Resource cluster;
  cluster.mutable_ref()->set_kind(v1::ECS_CLUSTER);
  cluster.mutable_ref()->set_name(spec.name());
  cluster.set_app(spec.name());
  auto& f = *cluster.mutable_properties()->mutable_fields();
  f["name"].set_string_value(spec.name());
  f["size"].set_number_value(spec.compute().cpu());
  return {cluster};
}

const char* kYaml = R"(name: web
image: {repository: web, tag: v1}
compute: {cpu: 256, memory: 512}
container: {port: 8000}
)";

class ReconcileTest : public testing::Test {
 protected:
  ReconcileTest() {
    char dir[] = "/tmp/wharf-reconcile-XXXXXX";
    EXPECT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  ~ReconcileTest() override { std::filesystem::remove_all(dir_); }

  // A controller over the journal in dir_ (a restart makes a new one).
  void StartController() {
    controller_.reset();
    journal_.reset();
    auto journal = Journal::Open(dir_ + "/journal");
    ASSERT_TRUE(journal.ok()) << journal.status().ToString();
    journal_ = std::move(*journal);
    Controller::Options o;
    o.required_watchers = {"spec"};
    o.expand = Graph;
    o.journal = journal_.get();
    o.on_journal_failure = [](const wharf::Status& s) { FAIL() << s.ToString(); };
    dispatcher_.submitted.clear();
    sink_.published.clear();
    controller_ = std::make_unique<Controller>(io_, sink_, dispatcher_, clock_, counters_, o);
    ASSERT_TRUE(controller_->Recover().ok());
    v1::Envelope snapshot;
    snapshot.set_source("watcher/spec@test:1");
    snapshot.set_sequence(1);
    snapshot.mutable_spec_snapshot();
    controller_->OnEnvelope(snapshot);
  }

  v1::ControlReply Apply(const std::string& yaml) {
    v1::ControlRequest r;
    r.mutable_apply()->set_file("web.yaml");
    r.mutable_apply()->set_yaml(yaml);
    return controller_->HandleControl(r);
  }

  // Answers the last submitted action as the cloud would: `cloud` holds
  // what exists (by name).
  void Answer(std::map<std::string, v1::Resource>* cloud) {
    ASSERT_FALSE(dispatcher_.submitted.empty());
    const v1::Action a = dispatcher_.submitted.back();
    v1::ActionResult r;
    r.set_action_id(a.id());
    r.set_attempt(1);
    r.set_outcome(v1::SUCCEEDED);
    const std::string& name = a.resource().ref().name();
    switch (a.verb()) {
      case v1::OBSERVE:
        if (cloud->count(name)) {
          *r.mutable_observed() = (*cloud)[name];
        } else {
          *r.mutable_observed()->mutable_ref() = a.resource().ref();
        }
        break;
      case v1::DELETE:
        cloud->erase(name);
        r.set_mutated(true);
        break;
      default: {
        v1::Resource made = a.resource();
        made.set_id("arn:" + name);
        (*cloud)[name] = made;
        *r.mutable_observed() = made;
        r.set_mutated(true);
      }
    }
    controller_->OnResult(r);
  }

  v1::AppPhase Phase() { return controller_->Status("web").apps(0).status().phase(); }

  std::string dir_;
  asio::io_context io_;
  SystemClock clock_;
  Counters counters_{"test"};
  bus::FakeEventSink sink_;
  FakeActionDispatcher dispatcher_;
  std::unique_ptr<Journal> journal_;
  std::unique_ptr<Controller> controller_;
};

TEST_F(ReconcileTest, ReadsAwsFirstThenCreatesWhatIsMissing) {
  StartController();
  auto reply = Apply(kYaml);
  ASSERT_TRUE(reply.apply().spec_errors().empty());
  ASSERT_EQ(dispatcher_.submitted.size(), 1u);
  EXPECT_EQ(dispatcher_.submitted[0].verb(), v1::OBSERVE);
  std::map<std::string, v1::Resource> cloud;
  Answer(&cloud);  // absent
  ASSERT_EQ(dispatcher_.submitted.size(), 2u);
  EXPECT_EQ(dispatcher_.submitted[1].verb(), v1::CREATE);
  Answer(&cloud);
  EXPECT_EQ(Phase(), v1::APP_PHASE_CONVERGED);
  // Reads are not published action by action.
  for (const auto& e : sink_.published) {
    if (e.has_action_status()) EXPECT_NE(e.action_status().verb(), v1::OBSERVE);
  }
}

TEST_F(ReconcileTest, DriftIsCorrectedOrOnlyReportedWhenObserveOnly) {
  StartController();
  Apply(kYaml);
  std::map<std::string, v1::Resource> cloud;
  Answer(&cloud);
  Answer(&cloud);
  ASSERT_EQ(Phase(), v1::APP_PHASE_CONVERGED);

  // Someone resizes it behind Wharf's back; the next reconcile reads it and
  // puts it back.
  (*cloud["web"].mutable_properties()->mutable_fields())["size"].set_number_value(4096);
  Apply(kYaml);
  ASSERT_EQ(dispatcher_.submitted.back().verb(), v1::OBSERVE);
  Answer(&cloud);
  ASSERT_EQ(dispatcher_.submitted.back().verb(), v1::UPDATE);
  EXPECT_EQ(dispatcher_.submitted.back().changes(0).path(), "size");
  Answer(&cloud);
  EXPECT_EQ(Phase(), v1::APP_PHASE_CONVERGED);

  // Observe-only: the same drift is reported, nothing is written.
  (*cloud["web"].mutable_properties()->mutable_fields())["size"].set_number_value(4096);
  Apply(std::string(kYaml) + "policy: {mode: OBSERVE_ONLY}\n");
  Answer(&cloud);
  EXPECT_EQ(dispatcher_.submitted.back().verb(), v1::OBSERVE);
  EXPECT_EQ(Phase(), v1::APP_PHASE_DRIFTED);
  EXPECT_NE(controller_->Status("web").apps(0).status().message().find("size 4096 -> 256"),
            std::string::npos)
      << controller_->Status("web").apps(0).status().message();
  EXPECT_EQ(counters_.Get("drift_reported"), 1);
}

TEST_F(ReconcileTest, AppliedSpecsAndDestroysSurviveARestart) {
  StartController();
  Apply(kYaml);
  std::map<std::string, v1::Resource> cloud;
  Answer(&cloud);
  Answer(&cloud);
  ASSERT_EQ(Phase(), v1::APP_PHASE_CONVERGED);

  // Killed after the spec was applied: a new controller knows the app (no
  // spec file lists it) and reconciles it to the same state, creating nothing.
  StartController();
  ASSERT_EQ(controller_->Status("web").apps_size(), 1);
  ASSERT_EQ(dispatcher_.submitted.size(), 1u);
  EXPECT_EQ(dispatcher_.submitted[0].verb(), v1::OBSERVE);
  Answer(&cloud);
  EXPECT_EQ(dispatcher_.submitted.size(), 1u);
  EXPECT_EQ(Phase(), v1::APP_PHASE_CONVERGED);

  // Destroy, then restart: it stays destroyed rather than coming back.
  v1::ControlRequest destroy;
  destroy.mutable_destroy()->set_app("web");
  ASSERT_TRUE(controller_->HandleControl(destroy).error().empty());
  ASSERT_EQ(dispatcher_.submitted.back().verb(), v1::DELETE);
  Answer(&cloud);
  EXPECT_EQ(Phase(), v1::APP_PHASE_DESTROYED);
  EXPECT_TRUE(cloud.empty());
  StartController();
  EXPECT_TRUE(dispatcher_.submitted.empty());
  EXPECT_EQ(Phase(), v1::APP_PHASE_DESTROYED);

  // Killed in the middle of a destroy: the restarted controller finishes it.
  Apply(kYaml);
  Answer(&cloud);
  Answer(&cloud);
  ASSERT_EQ(cloud.size(), 1u);
  ASSERT_TRUE(controller_->HandleControl(destroy).error().empty());
  ASSERT_EQ(dispatcher_.submitted.back().verb(), v1::DELETE);
  StartController();  // the DELETE was never answered
  ASSERT_FALSE(dispatcher_.submitted.empty());
  EXPECT_EQ(dispatcher_.submitted.back().verb(), v1::DELETE);
  Answer(&cloud);
  EXPECT_EQ(Phase(), v1::APP_PHASE_DESTROYED);
  EXPECT_TRUE(cloud.empty());
}

TEST_F(ReconcileTest, AnInvalidAppliedSpecIsRefusedWithFileLineAndField) {
  StartController();
  auto reply = Apply("name: web\ncompute: {cpu: 300, memory: 512}\ncontainer: {prot: 1}\n");
  ASSERT_FALSE(reply.apply().spec_errors().empty());
  EXPECT_TRUE(dispatcher_.submitted.empty());
  bool named = false;
  for (const auto& e : reply.apply().spec_errors()) named |= e.line() > 0 && !e.field().empty();
  EXPECT_TRUE(named);
}

}  // namespace
}  // namespace wharf::controller
