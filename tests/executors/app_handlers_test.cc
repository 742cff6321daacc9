// IAM_ROLE, LOG_GROUP, ECR_REPOSITORY, SCALABLE_TARGET, SCALING_POLICY and
// METRIC_ALARM handlers against the local cloud: create, adopt without a
// write, drift corrected, delete twice, observe of nothing; checked with the
// AWS CLI.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "executors/ecr_repository_handler.h"
#include "executors/iam_role_handler.h"
#include "tests/executors/app_handlers_test_fixture.h"

namespace wharf::executors {
namespace {

using nlohmann::json;

constexpr char kExecutionPolicy[] =
    "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
constexpr char kSecretArn[] = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shop-db-AbCdEf";
constexpr char kParameterArn[] = "arn:aws:ssm:us-east-1:123456789012:parameter/shop/key";

using AppHandlersTest = test::AppHandlersTest;

// Create, then a second CREATE that adopts with no mutating call, observed
// carrying every desired key; returns the first result.
v1::ActionResult CreateThenAdopt(AppHandlersTest& t, const v1::Resource& desired) {
  auto first = t.Run(v1::CREATE, desired);
  EXPECT_EQ(first.outcome(), v1::SUCCEEDED) << first.error().message();
  EXPECT_TRUE(first.mutated());
  EXPECT_FALSE(first.observed().id().empty());
  AppHandlersTest::ExpectCarries(desired.properties(), first.observed().properties());
  t.ZeroCounters();
  auto second = t.Run(v1::CREATE, desired);
  EXPECT_EQ(second.outcome(), v1::SUCCEEDED) << second.error().message();
  EXPECT_FALSE(second.mutated());
  EXPECT_EQ(t.MutatingCalls(), 0);
  EXPECT_EQ(second.observed().id(), first.observed().id());
  AppHandlersTest::ExpectCarries(desired.properties(), second.observed().properties());
  auto observed = t.Run(v1::OBSERVE, desired);
  EXPECT_EQ(observed.outcome(), v1::SUCCEEDED);
  EXPECT_FALSE(observed.mutated());
  AppHandlersTest::ExpectCarries(desired.properties(), observed.observed().properties());
  return first;
}

// DELETE, a second DELETE, then OBSERVE finds nothing.
void DeleteTwiceThenObserveNothing(AppHandlersTest& t, const v1::Resource& desired) {
  auto deleted = t.Run(v1::DELETE, desired);
  EXPECT_EQ(deleted.outcome(), v1::SUCCEEDED) << deleted.error().message();
  EXPECT_TRUE(deleted.mutated());
  auto again = t.Run(v1::DELETE, desired);
  EXPECT_EQ(again.outcome(), v1::SUCCEEDED) << again.error().message();
  EXPECT_FALSE(again.mutated());
  auto observed = t.Run(v1::OBSERVE, desired);
  EXPECT_EQ(observed.outcome(), v1::SUCCEEDED) << observed.error().message();
  EXPECT_TRUE(observed.observed().id().empty());
}

// ---------------------------------------------------------------------------
// IAM_ROLE

v1::Resource ExecutionRole(std::vector<std::string> secrets) {
  return AppHandlersTest::MakeResource(v1::IAM_ROLE, "shop-execution",
                                       {{"name", "shop-execution"},
                                        {"trusted_service", "ecs-tasks.amazonaws.com"},
                                        {"managed_policies", {kExecutionPolicy}},
                                        {"secret_arns", secrets}});
}

TEST_F(AppHandlersTest, IamRoleIsCreatedAdoptedCorrectedAndDeleted) {
  // secret_arns sorted, as Expand writes them.
  const v1::Resource desired = ExecutionRole({kSecretArn, kParameterArn});
  auto first = CreateThenAdopt(*this, desired);
  EXPECT_EQ(first.observed().id(), "arn:aws:iam::123456789012:role/shop-execution");
  EXPECT_EQ(first.observed().outputs().at("arn"), first.observed().id());

  json role = Cli("iam get-role --role-name shop-execution")["Role"];
  EXPECT_TRUE(
      IamRoleHandler::Trusts(role["AssumeRolePolicyDocument"].dump(), "ecs-tasks.amazonaws.com"))
      << role.dump();
  json attached = Cli("iam list-attached-role-policies --role-name shop-execution");
  ASSERT_EQ(attached["AttachedPolicies"].size(), 1u);
  EXPECT_EQ(attached["AttachedPolicies"][0]["PolicyArn"], kExecutionPolicy);
  json inline_policy =
      Cli("iam get-role-policy --role-name shop-execution --policy-name wharf-secrets");
  EXPECT_EQ(IamRoleHandler::SecretArnsOf(inline_policy["PolicyDocument"].dump()),
            (std::vector<std::string>{kSecretArn, kParameterArn}));

  // Drift: the trust policy, the managed policy and the secrets policy are
  // changed behind Wharf's back.
  Cli(R"(iam update-assume-role-policy --role-name shop-execution --policy-document )"
      R"('{"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
      R"("Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}')");
  Cli(std::string("iam detach-role-policy --role-name shop-execution --policy-arn ") +
      kExecutionPolicy);
  Cli("iam delete-role-policy --role-name shop-execution --policy-name wharf-secrets");
  auto corrected = Run(v1::UPDATE, desired);
  ASSERT_EQ(corrected.outcome(), v1::SUCCEEDED) << corrected.error().message();
  EXPECT_TRUE(corrected.mutated());
  ExpectCarries(desired.properties(), corrected.observed().properties());
  role = Cli("iam get-role --role-name shop-execution")["Role"];
  EXPECT_TRUE(
      IamRoleHandler::Trusts(role["AssumeRolePolicyDocument"].dump(), "ecs-tasks.amazonaws.com"));
  EXPECT_EQ(
      Cli("iam list-attached-role-policies --role-name shop-execution")["AttachedPolicies"].size(),
      1u);

  // No secrets any more: the inline policy goes.
  auto without = Run(v1::UPDATE, ExecutionRole({}));
  ASSERT_EQ(without.outcome(), v1::SUCCEEDED) << without.error().message();
  EXPECT_TRUE(without.mutated());
  EXPECT_TRUE(Cli("iam list-role-policies --role-name shop-execution")["PolicyNames"].empty());

  DeleteTwiceThenObserveNothing(*this, desired);
  EXPECT_NE(AwsCli("iam get-role --role-name shop-execution").exit_code, 0);
}

TEST(IamRolePolicies, TrustAndSecretsDocumentsRoundTrip) {
  const std::string trust = IamRoleHandler::TrustPolicy("ecs-tasks.amazonaws.com");
  EXPECT_TRUE(IamRoleHandler::Trusts(trust, "ecs-tasks.amazonaws.com"));
  EXPECT_FALSE(IamRoleHandler::Trusts(trust, "ec2.amazonaws.com"));
  EXPECT_FALSE(IamRoleHandler::Trusts("not json", "ecs-tasks.amazonaws.com"));
  const std::string secrets = IamRoleHandler::SecretsPolicy({kSecretArn, kParameterArn});
  EXPECT_EQ(IamRoleHandler::SecretArnsOf(secrets),
            (std::vector<std::string>{kSecretArn, kParameterArn}));
  json parsed = json::parse(secrets);
  ASSERT_EQ(parsed["Statement"].size(), 2u);
  EXPECT_EQ(parsed["Statement"][0]["Action"], "secretsmanager:GetSecretValue");
  EXPECT_EQ(parsed["Statement"][1]["Action"], "ssm:GetParameters");
}

// ---------------------------------------------------------------------------
// LOG_GROUP

TEST_F(AppHandlersTest, LogGroupIsCreatedAdoptedRetentionRestoredAndDeleted) {
  const v1::Resource desired =
      MakeResource(v1::LOG_GROUP, "/ecs/shop", {{"name", "/ecs/shop"}, {"retention_days", 30}});
  auto first = CreateThenAdopt(*this, desired);
  EXPECT_EQ(first.observed().outputs().at("arn"),
            "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/shop");
  json groups = Cli("logs describe-log-groups --log-group-name-prefix /ecs/shop");
  ASSERT_EQ(groups["logGroups"].size(), 1u);
  EXPECT_EQ(groups["logGroups"][0]["retentionInDays"], 30);

  // A group with a longer name sharing the prefix is not mistaken for it.
  Cli("logs create-log-group --log-group-name /ecs/shop-worker");
  Cli("logs put-retention-policy --log-group-name /ecs/shop --retention-in-days 7");
  auto corrected = Run(v1::UPDATE, desired);
  ASSERT_EQ(corrected.outcome(), v1::SUCCEEDED) << corrected.error().message();
  EXPECT_TRUE(corrected.mutated());
  groups = Cli("logs describe-log-groups --log-group-name-prefix /ecs/shop");
  for (const json& g : groups["logGroups"]) {
    if (g["logGroupName"] == "/ecs/shop") {
      EXPECT_EQ(g["retentionInDays"], 30);
    }
  }
  json tags =
      Cli("logs list-tags-for-resource --resource-arn " + first.observed().outputs().at("arn"));
  EXPECT_EQ(tags["tags"]["wharf:app"], "shop") << tags.dump();

  DeleteTwiceThenObserveNothing(*this, desired);
  groups = Cli("logs describe-log-groups --log-group-name-prefix /ecs/shop");
  ASSERT_EQ(groups["logGroups"].size(), 1u);
  EXPECT_EQ(groups["logGroups"][0]["logGroupName"], "/ecs/shop-worker");
}

// ---------------------------------------------------------------------------
// ECR_REPOSITORY

TEST_F(AppHandlersTest, EcrRepositoryIsCreatedAdoptedLifecycleRestoredAndDeleted) {
  const v1::Resource desired =
      MakeResource(v1::ECR_REPOSITORY, "shop",
                   {{"name", "shop"}, {"image_tag_mutability", "MUTABLE"}, {"keep_images", 30}});
  auto first = CreateThenAdopt(*this, desired);
  EXPECT_EQ(first.observed().outputs().at("arn"),
            "arn:aws:ecr:us-east-1:123456789012:repository/shop");
  EXPECT_EQ(first.observed().outputs().at("uri"),
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop");
  json policy = Cli("ecr get-lifecycle-policy --repository-name shop");
  EXPECT_EQ(EcrRepositoryHandler::KeepImagesOf(policy["lifecyclePolicyText"].get<std::string>()),
            30);

  v1::Resource fewer = desired;
  (*fewer.mutable_properties()->mutable_fields())["keep_images"].set_number_value(10);
  Cli("ecr put-image-tag-mutability --repository-name shop --image-tag-mutability IMMUTABLE");
  auto corrected = Run(v1::UPDATE, fewer);
  ASSERT_EQ(corrected.outcome(), v1::SUCCEEDED) << corrected.error().message();
  EXPECT_TRUE(corrected.mutated());
  ExpectCarries(fewer.properties(), corrected.observed().properties());
  policy = Cli("ecr get-lifecycle-policy --repository-name shop");
  EXPECT_EQ(EcrRepositoryHandler::KeepImagesOf(policy["lifecyclePolicyText"].get<std::string>()),
            10);
  EXPECT_EQ(Cli("ecr describe-repositories --repository-names shop")["repositories"][0]
                                                                    ["imageTagMutability"],
            "MUTABLE");

  DeleteTwiceThenObserveNothing(*this, desired);
  EXPECT_NE(AwsCli("ecr describe-repositories --repository-names shop").exit_code, 0);
}

// ---------------------------------------------------------------------------
// SCALABLE_TARGET and SCALING_POLICY

class AutoScalingHandlersTest : public AppHandlersTest {
 protected:
  void SetUp() override {
    AppHandlersTest::SetUp();
    if (HasFatalFailure()) return;
    // Application Auto Scaling needs the service to exist.
    Cli("ecs create-cluster --cluster-name shop");
    Cli("ecs create-service --cluster shop --service-name shop --desired-count 0 "
        "--deployment-controller type=EXTERNAL");
  }

  static v1::Resource Target(int min, int max) {
    return MakeResource(v1::SCALABLE_TARGET, "service/shop/shop",
                        {{"resource_id", "service/shop/shop"},
                         {"scalable_dimension", "ecs:service:DesiredCount"},
                         {"min_capacity", min},
                         {"max_capacity", max}},
                        /*tagged=*/false);
  }

  static v1::Resource CpuPolicy(double target) {
    return MakeResource(v1::SCALING_POLICY, "shop-cpu",
                        {{"policy_name", "shop-cpu"},
                         {"resource_id", "service/shop/shop"},
                         {"target_value", target},
                         {"metric", "ECSServiceAverageCPUUtilization"},
                         {"scale_in_cooldown_seconds", 300},
                         {"scale_out_cooldown_seconds", 60}},
                        /*tagged=*/false);
  }
};

TEST_F(AutoScalingHandlersTest, ScalableTargetIsRegisteredAdoptedCorrectedAndDeregistered) {
  const v1::Resource desired = Target(1, 4);
  CreateThenAdopt(*this, desired);
  json targets = Cli("application-autoscaling describe-scalable-targets --service-namespace ecs");
  ASSERT_EQ(targets["ScalableTargets"].size(), 1u);
  EXPECT_EQ(targets["ScalableTargets"][0]["MinCapacity"], 1);
  EXPECT_EQ(targets["ScalableTargets"][0]["MaxCapacity"], 4);

  Cli("application-autoscaling register-scalable-target --service-namespace ecs "
      "--resource-id service/shop/shop --scalable-dimension ecs:service:DesiredCount "
      "--min-capacity 2 --max-capacity 9");
  auto corrected = Run(v1::UPDATE, desired);
  ASSERT_EQ(corrected.outcome(), v1::SUCCEEDED) << corrected.error().message();
  EXPECT_TRUE(corrected.mutated());
  targets = Cli("application-autoscaling describe-scalable-targets --service-namespace ecs");
  EXPECT_EQ(targets["ScalableTargets"][0]["MinCapacity"], 1);
  EXPECT_EQ(targets["ScalableTargets"][0]["MaxCapacity"], 4);

  DeleteTwiceThenObserveNothing(*this, desired);
  EXPECT_TRUE(Cli("application-autoscaling describe-scalable-targets --service-namespace ecs")
                  ["ScalableTargets"]
                      .empty());
}

TEST_F(AutoScalingHandlersTest, ScalingPolicyIsPutAdoptedCorrectedAndDeleted) {
  ASSERT_EQ(Run(v1::CREATE, Target(1, 4)).outcome(), v1::SUCCEEDED);
  const v1::Resource desired = CpuPolicy(60);
  auto first = CreateThenAdopt(*this, desired);
  EXPECT_EQ(first.observed().outputs().at("arn"), first.observed().id());

  auto changed = Run(v1::UPDATE, CpuPolicy(75));
  ASSERT_EQ(changed.outcome(), v1::SUCCEEDED) << changed.error().message();
  EXPECT_TRUE(changed.mutated());
  json policies = Cli("application-autoscaling describe-scaling-policies --service-namespace ecs");
  ASSERT_EQ(policies["ScalingPolicies"].size(), 1u);
  EXPECT_EQ(
      policies["ScalingPolicies"][0]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"],
      75.0);

  DeleteTwiceThenObserveNothing(*this, desired);
  EXPECT_TRUE(Cli("application-autoscaling describe-scaling-policies --service-namespace ecs")
                  ["ScalingPolicies"]
                      .empty());
}

// ---------------------------------------------------------------------------
// METRIC_ALARM

TEST_F(AppHandlersTest, MetricAlarmIsPutAdoptedCorrectedAndDeleted) {
  const v1::Resource desired =
      MakeResource(v1::METRIC_ALARM, "shop-5xx",
                   {{"alarm_name", "shop-5xx"},
                    {"namespace", "AWS/ApplicationELB"},
                    {"metric_name", "HTTPCode_Target_5XX_Count"},
                    {"statistic", "Sum"},
                    {"dimensions",
                     {{"LoadBalancer", "app/shop/0123456789abcdef"},
                      {"TargetGroup", "targetgroup/shop/0123456789abcdef"}}},
                    {"threshold", 5},
                    {"period_seconds", 60},
                    {"evaluation_periods", 3},
                    {"comparison_operator", "GreaterThanOrEqualToThreshold"},
                    {"treat_missing_data", "notBreaching"}});
  auto first = CreateThenAdopt(*this, desired);
  EXPECT_EQ(first.observed().outputs().at("arn"),
            "arn:aws:cloudwatch:us-east-1:123456789012:alarm:shop-5xx");

  Cli("cloudwatch put-metric-alarm --alarm-name shop-5xx --namespace AWS/ApplicationELB "
      "--metric-name HTTPCode_Target_5XX_Count --statistic Sum --period 60 "
      "--evaluation-periods 1 --threshold 50 --comparison-operator GreaterThanThreshold");
  auto corrected = Run(v1::UPDATE, desired);
  ASSERT_EQ(corrected.outcome(), v1::SUCCEEDED) << corrected.error().message();
  EXPECT_TRUE(corrected.mutated());
  json alarms = Cli("cloudwatch describe-alarms --alarm-names shop-5xx");
  ASSERT_EQ(alarms["MetricAlarms"].size(), 1u);
  const json& a = alarms["MetricAlarms"][0];
  EXPECT_EQ(a["Threshold"], 5.0);
  EXPECT_EQ(a["EvaluationPeriods"], 3);
  EXPECT_EQ(a["ComparisonOperator"], "GreaterThanOrEqualToThreshold");
  EXPECT_EQ(a["Dimensions"].size(), 2u);
  EXPECT_EQ(a["TreatMissingData"], "notBreaching");

  DeleteTwiceThenObserveNothing(*this, desired);
  EXPECT_TRUE(Cli("cloudwatch describe-alarms --alarm-names shop-5xx")["MetricAlarms"].empty());
}

// ---------------------------------------------------------------------------
// ECS_CLUSTER (OBSERVE only; the other verbs are tested beside the handler)

TEST_F(AppHandlersTest, EcsClusterObserveReportsTheClusterOrNothing) {
  const v1::Resource desired = MakeResource(v1::ECS_CLUSTER, "shop", {{"name", "shop"}});
  auto missing = Run(v1::OBSERVE, desired);
  ASSERT_EQ(missing.outcome(), v1::SUCCEEDED) << missing.error().message();
  EXPECT_TRUE(missing.observed().id().empty());
  Cli("ecs create-cluster --cluster-name shop --tags key=wharf:app,value=shop "
      "key=wharf:managed-by,value=wharf");
  ZeroCounters();
  auto found = Run(v1::OBSERVE, desired);
  ASSERT_EQ(found.outcome(), v1::SUCCEEDED) << found.error().message();
  EXPECT_FALSE(found.mutated());
  EXPECT_EQ(MutatingCalls(), 0);
  EXPECT_EQ(found.observed().id(), "arn:aws:ecs:us-east-1:123456789012:cluster/shop");
  ExpectCarries(desired.properties(), found.observed().properties());
}

}  // namespace
}  // namespace wharf::executors
