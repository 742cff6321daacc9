// Chaos: 20 runs, each applying a new app and SIGKILLing the controller or
// an executor at a random moment of the apply, then starting it again.
// Every run must end converged with exactly the resources a clean apply
// makes: no duplicate, nothing missing. The random choices come from a
// fixed seed (printed), so a failure can be replayed.
#include <signal.h>

#include <map>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/integration/stack_fixture.h"

namespace wharf::testing {
namespace {

class ChaosTest : public StackFixture {
 protected:
  nlohmann::json AwsJson(const std::string& args) {
    auto r = Aws(args);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.output;
    auto json = nlohmann::json::parse(r.output, nullptr, false);
    EXPECT_FALSE(json.is_discarded()) << args << "\n" << r.output;
    return json;
  }

  // How many of each kind of resource exist per app, as the AWS CLI sees it.
  std::map<std::string, std::map<std::string, int>> Inventory(int apps) {
    std::map<std::string, std::map<std::string, int>> out;  // app -> kind -> count
    auto app_of = [&](const std::string& name) -> std::string {
      for (int i = 0; i < apps; ++i) {
        std::string app = "chaos" + std::to_string(i);
        if (name == app || name.rfind(app + "-", 0) == 0 || name == "/ecs/" + app) return app;
      }
      return "";
    };
    // (Each answer is kept in a variable: a range-for over a member of a
    // temporary would read freed memory.)
    const auto lbs = AwsJson("elbv2 describe-load-balancers");
    for (const auto& lb : lbs["LoadBalancers"]) {
      const std::string app = app_of(lb["LoadBalancerName"]);
      ++out[app]["load_balancer"];
      const auto listeners = AwsJson("elbv2 describe-listeners --load-balancer-arn " +
                                     lb["LoadBalancerArn"].get<std::string>());
      out[app]["listener"] += static_cast<int>(listeners["Listeners"].size());
    }
    const auto tgs = AwsJson("elbv2 describe-target-groups");
    for (const auto& tg : tgs["TargetGroups"]) {
      ++out[app_of(tg["TargetGroupName"])]["target_group"];
    }
    const auto sgs = AwsJson("ec2 describe-security-groups");
    for (const auto& sg : sgs["SecurityGroups"]) {
      std::string app = app_of(sg["GroupName"]);
      if (app.empty()) continue;
      ++out[app]["security_group"];
      out[app]["ingress_rule"] += static_cast<int>(sg["IpPermissions"].size());
    }
    const auto groups = AwsJson("logs describe-log-groups --log-group-name-prefix /ecs/chaos");
    for (const auto& g : groups["logGroups"]) {
      ++out[app_of(g["logGroupName"])]["log_group"];
    }
    const auto roles = AwsJson("iam list-roles");
    for (const auto& role : roles["Roles"]) {
      std::string app = app_of(role["RoleName"]);
      if (!app.empty()) ++out[app]["role"];
    }
    const auto families = AwsJson("ecs list-task-definitions --status ACTIVE");
    for (const auto& arn : families["taskDefinitionArns"]) {
      std::string family = arn.get<std::string>();
      family = family.substr(family.find('/') + 1);
      family = family.substr(0, family.find(':'));
      ++out[app_of(family)]["task_definition"];
    }
    const auto clusters = AwsJson("ecs list-clusters");
    for (const auto& arn : clusters["clusterArns"]) {
      std::string name = arn.get<std::string>().substr(arn.get<std::string>().find('/') + 1);
      std::string app = app_of(name);
      if (app.empty()) continue;
      ++out[app]["cluster"];
      const auto services = AwsJson("ecs list-services --cluster " + name);
      out[app]["service"] += static_cast<int>(services["serviceArns"].size());
    }
    return out;
  }
};

TEST_F(ChaosTest, KilledMidApplyResumesWithNoDuplicateAndNothingLost) {
  StartStack();
  const unsigned seed = 20261121;
  std::mt19937 rng(seed);
  std::printf("chaos seed %u\n", seed);
  const int runs = 20;
  std::vector<std::string> victims;
  int mid_apply = 0;  // kills that landed after the first action, before convergence
  for (int i = 0; i < runs; ++i) {
    const std::string app = "chaos" + std::to_string(i);
    WriteSpec(app + ".yaml", MinimalSpec(app));
    // A random moment of the apply: once its first action is out, within
    // the next 150 ms (the whole apply takes a few hundred here).
    ASSERT_TRUE(WaitFor(
        [&](const v1::Envelope& e) {
          return e.has_action_status() && e.action_status().app() == app;
        },
        std::chrono::seconds(30)))
        << "run " << i << ": the apply never started\n"
        << Logs();
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 150));
    std::vector<std::string> candidates = stack_->executor_names();
    candidates.push_back("controller");
    const std::string victim = candidates[rng() % candidates.size()];
    victims.push_back(victim);
    bool started = false, finished = false;
    for (const auto& e : Events()) {
      started |= e.has_action_status() && e.action_status().app() == app;
      finished |= IsAppPhase(e, app, v1::APP_PHASE_CONVERGED);
    }
    mid_apply += started && !finished;
    stack_->supervisor().Signal(victim, SIGKILL, /*keep_down=*/true);
    for (int wait = 0; wait < 200 && stack_->supervisor().Pid(victim) != 0; ++wait) {
      (void)stack_->Tick();  // reaps it
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(stack_->supervisor().Pid(victim), 0) << victim << " did not die";
    auto restarted = stack_->supervisor().Restart(victim);
    ASSERT_TRUE(restarted.ok()) << restarted.status().ToString();
    // Converged after the kill: the status a fresh controller reports (the
    // CLI asks it), not an event an old one published.
    bool converged = false;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (!converged && std::chrono::steady_clock::now() < deadline) {
      auto status = RunCommand(std::string(WHARF_TEST_BIN_DIR) + "/wharf --state-dir " +
                               state_dir_ + " status " + app + " --json 2>&1");
      converged =
          status.exit_code == 0 && status.output.find("APP_PHASE_CONVERGED") != std::string::npos;
      if (!converged) std::this_thread::sleep_for(std::chrono::milliseconds(250));
      (void)stack_->Tick();
    }
    ASSERT_TRUE(converged) << "run " << i << " (killed " << victim << ")\n" << Logs();
  }

  std::printf("%d of %d kills landed mid-apply\n", mid_apply, runs);
  EXPECT_GE(mid_apply, runs / 2) << "the kills must hit applies in progress";

  // Every app has one of everything it should, nothing twice.
  auto inventory = Inventory(runs);

  const std::map<std::string, int> expected = {
      {"cluster", 1},         {"ingress_rule", 2}, {"listener", 1},
      {"load_balancer", 1},   {"log_group", 1},    {"role", 1},
      {"security_group", 2},  {"service", 1},      {"target_group", 1},
      {"task_definition", 1},
  };
  for (int i = 0; i < runs; ++i) {
    std::string app = "chaos" + std::to_string(i);
    EXPECT_EQ(inventory[app], expected) << app << " (killed " << victims[i] << ")";
  }
}

}  // namespace
}  // namespace wharf::testing
