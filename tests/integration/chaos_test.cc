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
    for (const auto& lb : AwsJson("elbv2 describe-load-balancers")["LoadBalancers"]) {
      ++out[app_of(lb["LoadBalancerName"])]["load_balancer"];
      for (const auto& l :
           AwsJson("elbv2 describe-listeners --load-balancer-arn " +
                   lb["LoadBalancerArn"].get<std::string>())["Listeners"]) {
        (void)l;
        ++out[app_of(lb["LoadBalancerName"])]["listener"];
      }
    }
    for (const auto& tg : AwsJson("elbv2 describe-target-groups")["TargetGroups"]) {
      ++out[app_of(tg["TargetGroupName"])]["target_group"];
    }
    for (const auto& sg : AwsJson("ec2 describe-security-groups")["SecurityGroups"]) {
      std::string app = app_of(sg["GroupName"]);
      if (app.empty()) continue;
      ++out[app]["security_group"];
      out[app]["ingress_rule"] += static_cast<int>(sg["IpPermissions"].size());
    }
    for (const auto& g :
         AwsJson("logs describe-log-groups --log-group-name-prefix /ecs/chaos")["logGroups"]) {
      ++out[app_of(g["logGroupName"])]["log_group"];
    }
    for (const auto& role : AwsJson("iam list-roles")["Roles"]) {
      std::string app = app_of(role["RoleName"]);
      if (!app.empty()) ++out[app]["role"];
    }
    for (const auto& arn :
         AwsJson("ecs list-task-definitions --status ACTIVE")["taskDefinitionArns"]) {
      std::string family = arn.get<std::string>();
      family = family.substr(family.find('/') + 1);
      family = family.substr(0, family.find(':'));
      ++out[app_of(family)]["task_definition"];
    }
    for (const auto& arn : AwsJson("ecs list-clusters")["clusterArns"]) {
      std::string name = arn.get<std::string>().substr(arn.get<std::string>().find('/') + 1);
      std::string app = app_of(name);
      if (app.empty()) continue;
      ++out[app]["cluster"];
      for (const auto& s : AwsJson("ecs list-services --cluster " + name)["serviceArns"]) {
        (void)s;
        ++out[app]["service"];
      }
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
  for (int i = 0; i < runs; ++i) {
    const std::string app = "chaos" + std::to_string(i);
    WriteSpec(app + ".yaml", MinimalSpec(app));
    // A random moment of the apply: it takes a few seconds.
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 2500));
    std::vector<std::string> candidates = stack_->executor_names();
    candidates.push_back("controller");
    const std::string victim = candidates[rng() % candidates.size()];
    victims.push_back(victim);
    stack_->supervisor().Signal(victim, SIGKILL, /*keep_down=*/true);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto restarted = stack_->supervisor().Restart(victim);
    ASSERT_TRUE(restarted.ok()) << restarted.status().ToString();
    // Converged after the kill: the status a fresh controller reports (the
    // CLI asks it), not an event an old one published.
    bool converged = false;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (!converged && std::chrono::steady_clock::now() < deadline) {
      auto status = RunCommand(std::string(WHARF_TEST_BIN_DIR) + "/wharf --state-dir " +
                               state_dir_ + " status " + app + " --json 2>&1");
      converged = status.exit_code == 0 &&
                  status.output.find("APP_PHASE_CONVERGED") != std::string::npos;
      if (!converged) std::this_thread::sleep_for(std::chrono::milliseconds(250));
      (void)stack_->Tick();
    }
    ASSERT_TRUE(converged) << "run " << i << " (killed " << victim << ")\n" << Logs();
  }

  // Every app has exactly what the first one has, and the first one has
  // one of everything it should.
  auto inventory = Inventory(runs);
  const std::map<std::string, int> expected = {
      {"cluster", 1},         {"ingress_rule", 2}, {"listener", 1}, {"load_balancer", 1},
      {"log_group", 1},       {"role", 1},         {"security_group", 2}, {"service", 1},
      {"target_group", 1},    {"task_definition", 1},
  };
  for (int i = 0; i < runs; ++i) {
    std::string app = "chaos" + std::to_string(i);
    EXPECT_EQ(inventory[app], expected) << app << " (killed " << victims[i] << ")";
  }
}

}  // namespace
}  // namespace wharf::testing
