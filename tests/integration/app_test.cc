// The whole app, end to end: `wharf apply` of the example spec into an empty
// local cloud, checked with the AWS CLI (not Wharf); a second apply makes no
// mutating call; a cpu change makes exactly one new revision and one
// UpdateService; `wharf destroy` leaves nothing managed by Wharf behind.
// The example's image and secrets come from scripts/seed-example; without
// them, preflight stops the plan before any change.
#include <fstream>
#include <regex>

#include <nlohmann/json.hpp>

#include "tests/integration/stack_fixture.h"

namespace wharf::testing {
namespace {

class AppTest : public StackFixture {
 protected:
  // Destroy waits for the service to drain (15 s deregistration delay, task
  // stops): ten times faster on the local cloud's clock.
  AppTest() { local_cloud_speed_ = 10; }

  test_support::CommandResult Wharf(const std::string& args) {
    return RunCommand(std::string(WHARF_TEST_BIN_DIR) + "/wharf --state-dir " + state_dir_ + " " +
                      args + " 2>&1");
  }

  nlohmann::json AwsJson(const std::string& args) {
    auto r = Aws(args);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.output;
    auto json = nlohmann::json::parse(r.output, nullptr, false);
    EXPECT_FALSE(json.is_discarded()) << args << "\n" << r.output;
    return json;
  }

  nlohmann::json Counters() {
    auto r = RunCommand("curl -sf " + stack_->cloud_endpoint() + "/_localcloud/counters");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return nlohmann::json::parse(r.output, nullptr, false);
  }
  void ResetCounters() {
    auto r = RunCommand("curl -sf -X DELETE " + stack_->cloud_endpoint() + "/_localcloud/counters");
    EXPECT_EQ(r.exit_code, 0) << r.output;
  }
  static int Count(const nlohmann::json& counters, const std::string& service,
                   const std::string& op, const std::string& key) {
    auto s = counters["services"].find(service);
    if (s == counters["services"].end()) return 0;
    auto o = (*s)["operations"].find(op);
    if (o == (*s)["operations"].end()) return 0;
    return (*o)[key].get<int>();
  }
  // Every mutating call, "service.Operation" -> count.
  static std::map<std::string, int> Mutations(const nlohmann::json& counters) {
    std::map<std::string, int> out;
    for (auto& [service, s] : counters["services"].items()) {
      for (auto& [op, c] : s["operations"].items()) {
        if (c["mutating"].get<int>() > 0) out[service + "." + op] = c["mutating"].get<int>();
      }
    }
    return out;
  }

  std::string ExampleWith(const std::string& from, const std::string& to) {
    std::ifstream in(std::string(WHARF_TEST_SOURCE_DIR) + "/config/examples/django-app.yaml");
    std::string yaml((std::istreambuf_iterator<char>(in)), {});
    yaml = std::regex_replace(yaml, std::regex(from), to);
    std::string path = state_dir_ + "/django-app-edited.yaml";
    std::ofstream(path) << yaml;
    return path;
  }

  // scripts/seed-example: the example's ECR repository and image, and its
  // secrets with their exact ARNs.
  void SeedExample() {
    auto seeded = RunCommand(std::string(WHARF_TEST_SOURCE_DIR) + "/scripts/seed-example " +
                             stack_->cloud_endpoint() + " 2>&1");
    ASSERT_EQ(seeded.exit_code, 0) << seeded.output;
  }

  static const std::string& Example() {
    static const std::string path =
        std::string(WHARF_TEST_SOURCE_DIR) + "/config/examples/django-app.yaml";
    return path;
  }
};

TEST_F(AppTest, ApplyWiresEverythingThenReapplyIsANoOpThenCpuChangeThenDestroy) {
  StartStack();
  ASSERT_NO_FATAL_FAILURE(SeedExample());
  auto plan = Wharf("plan " + Example());
  EXPECT_EQ(plan.exit_code, 2) << plan.output;
  EXPECT_NE(plan.output.find("+ create ECS_SERVICE django-app"), std::string::npos) << plan.output;

  auto applied = Wharf("apply --timeout 120 " + Example());
  ASSERT_EQ(applied.exit_code, 0) << applied.output << "\n" << Logs();

  // --- wired, as the AWS CLI sees it ---
  auto lbs = AwsJson("elbv2 describe-load-balancers --names django-app");
  ASSERT_EQ(lbs["LoadBalancers"].size(), 1u);
  EXPECT_EQ(lbs["LoadBalancers"][0]["Scheme"], "internet-facing");
  const std::string lb_arn = lbs["LoadBalancers"][0]["LoadBalancerArn"];
  auto tgs = AwsJson("elbv2 describe-target-groups --names django-app");
  ASSERT_EQ(tgs["TargetGroups"].size(), 1u);
  const auto& tg = tgs["TargetGroups"][0];
  const std::string tg_arn = tg["TargetGroupArn"];
  EXPECT_EQ(tg["Port"], 8000);
  EXPECT_EQ(tg["TargetType"], "ip");
  EXPECT_EQ(tg["HealthCheckPath"], "/healthz/");
  auto listeners = AwsJson("elbv2 describe-listeners --load-balancer-arn " + lb_arn);
  ASSERT_EQ(listeners["Listeners"].size(), 1u);
  EXPECT_EQ(listeners["Listeners"][0]["Port"], 80);
  EXPECT_EQ(listeners["Listeners"][0]["DefaultActions"][0]["TargetGroupArn"], tg_arn);

  auto services = AwsJson("ecs describe-services --cluster django-app --services django-app");
  ASSERT_EQ(services["services"].size(), 1u);
  const auto& svc = services["services"][0];
  EXPECT_EQ(svc["status"], "ACTIVE");
  EXPECT_EQ(svc["launchType"], "FARGATE");
  EXPECT_EQ(svc["loadBalancers"][0]["targetGroupArn"], tg_arn);
  EXPECT_EQ(svc["loadBalancers"][0]["containerPort"], 8000);
  auto revisions =
      AwsJson("ecs list-task-definitions --family-prefix django-app --status ACTIVE --sort DESC");
  ASSERT_EQ(revisions["taskDefinitionArns"].size(), 1u);
  EXPECT_EQ(svc["taskDefinition"], revisions["taskDefinitionArns"][0]);
  const std::string first_revision = revisions["taskDefinitionArns"][0];

  // The ALB's group may reach the tasks' group on the container port, and
  // nothing else may.
  auto groups = AwsJson(
      "ec2 describe-security-groups --filters Name=group-name,Values=django-app-alb,"
      "django-app-tasks");
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& g : groups["SecurityGroups"]) by_name[g["GroupName"]] = g;
  ASSERT_EQ(by_name.size(), 2u) << groups.dump();
  const std::string alb_sg = by_name["django-app-alb"]["GroupId"];
  const auto& task_rules = by_name["django-app-tasks"]["IpPermissions"];
  ASSERT_EQ(task_rules.size(), 1u) << task_rules.dump();
  EXPECT_EQ(task_rules[0]["FromPort"], 8000);
  EXPECT_EQ(task_rules[0]["UserIdGroupPairs"][0]["GroupId"], alb_sg);
  EXPECT_EQ(lbs["LoadBalancers"][0]["SecurityGroups"][0], alb_sg);
  const auto& alb_rules = by_name["django-app-alb"]["IpPermissions"];
  ASSERT_EQ(alb_rules.size(), 1u) << alb_rules.dump();
  EXPECT_EQ(alb_rules[0]["FromPort"], 80);
  EXPECT_EQ(alb_rules[0]["IpRanges"][0]["CidrIp"], "0.0.0.0/0");

  auto logs = AwsJson("logs describe-log-groups --log-group-name-prefix /ecs/django-app");
  ASSERT_EQ(logs["logGroups"].size(), 1u);
  EXPECT_EQ(logs["logGroups"][0]["retentionInDays"], 30);
  EXPECT_EQ(AwsJson("iam get-role --role-name django-app-execution")["Role"]["RoleName"],
            "django-app-execution");
  EXPECT_EQ(
      AwsJson("ecr describe-repositories --repository-names django-app")["repositories"].size(),
      1u);
  auto targets = AwsJson(
      "application-autoscaling describe-scalable-targets --service-namespace ecs "
      "--resource-ids service/django-app/django-app");
  ASSERT_EQ(targets["ScalableTargets"].size(), 1u);
  EXPECT_EQ(targets["ScalableTargets"][0]["MaxCapacity"], 6);
  auto alarms = AwsJson("cloudwatch describe-alarms --alarm-names django-app-target-5xx");
  ASSERT_EQ(alarms["MetricAlarms"].size(), 1u);

  // --- a second apply changes nothing ---
  ResetCounters();
  auto again = Wharf("apply --timeout 60 " + Example());
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(Mutations(Counters()), (std::map<std::string, int>{}));
  auto noop_plan = Wharf("plan " + Example());
  EXPECT_EQ(noop_plan.exit_code, 0) << noop_plan.output;

  // --- cpu: one new revision, one UpdateService, nothing else ---
  ResetCounters();
  auto bigger = ExampleWith("cpu: 512\n  memory: 1024", "cpu: 1024\n  memory: 2048");
  auto changed = Wharf("apply --timeout 60 " + bigger);
  ASSERT_EQ(changed.exit_code, 0) << changed.output << "\n" << Logs();
  auto counters = Counters();
  EXPECT_EQ(Count(counters, "ecs", "RegisterTaskDefinition", "mutating"), 1);
  EXPECT_EQ(Count(counters, "ecs", "UpdateService", "mutating"), 1);
  EXPECT_EQ(Mutations(counters), (std::map<std::string, int>{{"ecs.RegisterTaskDefinition", 1},
                                                             {"ecs.UpdateService", 1}}));
  services = AwsJson("ecs describe-services --cluster django-app --services django-app");
  EXPECT_NE(services["services"][0]["taskDefinition"], first_revision);
  EXPECT_NE(services["services"][0]["taskDefinition"].get<std::string>().find("django-app:2"),
            std::string::npos);

  // --- destroy: nothing managed by Wharf remains ---
  auto destroyed = Wharf("destroy --timeout 120 django-app");
  ASSERT_EQ(destroyed.exit_code, 0) << destroyed.output << "\n" << Logs();
  EXPECT_TRUE(AwsJson("elbv2 describe-load-balancers")["LoadBalancers"].empty());
  EXPECT_TRUE(AwsJson("elbv2 describe-target-groups")["TargetGroups"].empty());
  // The cluster is gone, so its services are too (the CLI answers
  // ClusterNotFoundException), or they are INACTIVE.
  auto after = Aws("ecs describe-services --cluster django-app --services django-app");
  if (after.exit_code == 0) {
    const auto described = nlohmann::json::parse(after.output);
    for (const auto& s : described["services"]) EXPECT_EQ(s["status"], "INACTIVE");
  } else {
    EXPECT_NE(after.output.find("ClusterNotFoundException"), std::string::npos) << after.output;
  }
  EXPECT_TRUE(AwsJson("ecs list-task-definitions --family-prefix django-app --status ACTIVE")
                  ["taskDefinitionArns"]
                      .empty());
  EXPECT_TRUE(
      AwsJson("ec2 describe-security-groups --filters Name=tag:wharf:managed-by,Values=wharf")
          ["SecurityGroups"]
              .empty());
  EXPECT_TRUE(
      AwsJson("logs describe-log-groups --log-group-name-prefix /ecs/django-app")["logGroups"]
          .empty());
  EXPECT_TRUE(AwsJson("ecr describe-repositories")["repositories"].empty());
  EXPECT_TRUE(AwsJson("cloudwatch describe-alarms")["MetricAlarms"].empty());
  EXPECT_TRUE(AwsJson("application-autoscaling describe-scalable-targets --service-namespace ecs")
                  ["ScalableTargets"]
                      .empty());
  EXPECT_NE(Aws("iam get-role --role-name django-app-execution").exit_code, 0);
  auto clusters = AwsJson("ecs describe-clusters --clusters django-app");
  for (const auto& c : clusters["clusters"]) EXPECT_EQ(c["status"], "INACTIVE");
  EXPECT_TRUE(unexpected_exits_.empty());
}

TEST_F(AppTest, PreflightStopsThePlanBeforeAnyChangeWhenImageAndSecretsAreMissing) {
  StartStack();
  ResetCounters();
  auto applied = Wharf("apply --timeout 60 " + Example());
  EXPECT_NE(applied.exit_code, 0) << applied.output;
  EXPECT_NE(applied.output.find("PreflightFailed"), std::string::npos) << applied.output;
  EXPECT_NE(applied.output.find("image django-app:1.4.2"), std::string::npos) << applied.output;
  for (const char* secret :
       {"secret:django-app/secret-key-AbCdEf", "secret:django-app/database-url-GhIjKl"}) {
    EXPECT_NE(applied.output.find(secret), std::string::npos) << secret << "\n" << applied.output;
  }
  EXPECT_EQ(Mutations(Counters()), (std::map<std::string, int>{})) << Logs();
  EXPECT_TRUE(AwsJson("ecr describe-repositories")["repositories"].empty());
  EXPECT_TRUE(AwsJson("elbv2 describe-load-balancers")["LoadBalancers"].empty());
  EXPECT_TRUE(unexpected_exits_.empty());
}

}  // namespace
}  // namespace wharf::testing
