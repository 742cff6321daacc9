// The thin slice end to end: a spec file becomes an ECS cluster in the local
// cloud through watcher -> bus -> controller -> executor -> AWS, with status
// events back on the bus.
#include <signal.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "tests/integration/stack_fixture.h"

namespace wharf::testing {
namespace {

class SliceTest : public StackFixture {};

TEST_F(SliceTest, SpecFileBecomesClusterAndStatusEventsArriveInOrder) {
  StartStack();
  WriteSpec("shop.yaml", MinimalSpec("shop"));
  ASSERT_TRUE(WaitFor([](const v1::Envelope& e) {
    return IsAppPhase(e, "shop", v1::APP_PHASE_CONVERGED);
  })) << Logs();

  // The cloud has it, seen through the AWS CLI rather than Wharf.
  auto described = Aws("ecs describe-clusters --clusters shop --include TAGS");
  ASSERT_EQ(described.exit_code, 0) << described.output;
  auto json = nlohmann::json::parse(described.output);
  ASSERT_EQ(json["clusters"].size(), 1u) << described.output;
  EXPECT_EQ(json["clusters"][0]["status"], "ACTIVE");
  bool tagged = false;
  for (const auto& tag : json["clusters"][0]["tags"]) {
    tagged |= tag["key"] == "wharf:app" && tag["value"] == "shop";
  }
  EXPECT_TRUE(tagged) << described.output;

  // The controller's status events, in the order they were published.
  std::vector<std::string> trail;
  std::string controller_source;
  uint64_t last_sequence = 0;
  for (const auto& e : Events()) {
    if (!e.has_app_status() && !e.has_action_status()) continue;
    if (controller_source.empty()) controller_source = e.source();
    EXPECT_EQ(e.source(), controller_source);
    EXPECT_GT(e.sequence(), last_sequence) << "status events out of order";
    last_sequence = e.sequence();
    if (e.has_app_status() && e.app_status().app() == "shop") {
      trail.push_back(v1::AppPhase_Name(e.app_status().phase()));
    }
    if (e.has_action_status() && e.action_status().app() == "shop") {
      trail.push_back(v1::ActionState_Name(e.action_status().state()));
    }
  }
  // PLANNING (reading AWS, then the plan), every action QUEUED, APPLYING,
  // each action DISPATCHED then SUCCEEDED, CONVERGED.
  ASSERT_GE(trail.size(), 6u);
  EXPECT_EQ(trail.front(), "APP_PHASE_PLANNING");
  EXPECT_EQ(trail.back(), "APP_PHASE_CONVERGED");
  auto count = [&](const std::string& what) {
    return std::count(trail.begin(), trail.end(), what);
  };
  const auto actions = count("ACTION_STATE_QUEUED");
  EXPECT_GT(actions, 10) << "the whole app's graph";
  EXPECT_EQ(count("ACTION_STATE_DISPATCHED"), actions);
  EXPECT_EQ(count("ACTION_STATE_SUCCEEDED"), actions);
  // Every action is queued before the apply starts.
  auto applying = std::find(trail.begin(), trail.end(), "APP_PHASE_APPLYING");
  ASSERT_NE(applying, trail.end());
  EXPECT_EQ(std::count(trail.begin(), applying, "ACTION_STATE_QUEUED"), actions);
  EXPECT_TRUE(unexpected_exits_.empty());

  // `wharf status` shows the app converged with its cluster.
  auto status = RunCommand(std::string(WHARF_TEST_BIN_DIR) + "/wharf --state-dir " + state_dir_ +
                           " status shop");
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("CONVERGED"), std::string::npos) << status.output;
  EXPECT_NE(status.output.find("arn:aws:ecs:"), std::string::npos) << status.output;
}

TEST_F(SliceTest, ExecutorKilledWhileHoldingAnActionLosesNothingAndDuplicatesNothing) {
  // Executors hold each result 3 s after acting, so the kill lands after the
  // cluster was created but before the controller heard about it.
  StartStack(std::chrono::milliseconds(3000));
  WriteSpec("shop.yaml", MinimalSpec("shop"));
  std::string holder;
  auto is_cluster = [](const v1::Envelope& e) {
    return e.has_action_status() && e.action_status().resource().kind() == v1::ECS_CLUSTER;
  };
  ASSERT_TRUE(WaitFor([&](const v1::Envelope& e) {
    if (is_cluster(e) && e.action_status().state() == v1::ACTION_STATE_DISPATCHED) {
      holder = e.action_status().executor_id();
      return true;
    }
    return false;
  })) << Logs();
  ASSERT_FALSE(holder.empty());
  // Wait until the holder has made the cluster, then kill it.
  for (int i = 0;
       i < 100 && Aws("ecs list-clusters").output.find("cluster/shop") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stack_->supervisor().Signal(holder, SIGKILL, /*keep_down=*/true);

  std::string finisher;
  ASSERT_TRUE(WaitFor([&](const v1::Envelope& e) {
    if (is_cluster(e) && e.action_status().state() == v1::ACTION_STATE_SUCCEEDED) {
      finisher = e.action_status().executor_id();
      return true;
    }
    return false;
  })) << Logs();
  EXPECT_NE(finisher, holder);
  ASSERT_TRUE(
      WaitFor([](const v1::Envelope& e) { return IsAppPhase(e, "shop", v1::APP_PHASE_CONVERGED); },
              std::chrono::seconds(120)))
      << Logs();
  // The action went back to the queue when its executor went silent.
  bool requeued = false;
  for (const auto& e : Events()) {
    requeued |= is_cluster(e) && e.action_status().state() == v1::ACTION_STATE_QUEUED &&
                e.action_status().message().find(holder) != std::string::npos;
  }
  EXPECT_TRUE(requeued);

  auto listed = Aws("ecs list-clusters");
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  auto arns = nlohmann::json::parse(listed.output)["clusterArns"];
  int shops = 0;
  for (const auto& arn : arns) shops += arn.get<std::string>().ends_with("cluster/shop");
  EXPECT_EQ(shops, 1) << listed.output;
}

}  // namespace
}  // namespace wharf::testing
