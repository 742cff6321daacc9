// ApplicationAutoScalingClient's request encoding and response parsing, on
// canned JSON.
#include "common/aws/application_autoscaling_client.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/common/aws/json_client_test_fixture.h"

namespace wharf::aws {
namespace {

using nlohmann::json;

class ApplicationAutoScalingClientTest : public test::JsonClientTest {
 protected:
  ApplicationAutoScalingClient scaling_{*client_};
};

TEST_F(ApplicationAutoScalingClientTest, RegisterAndDeregisterScalableTarget) {
  Respond(R"({"ScalableTargetARN": "arn:target/1"})");
  RegisterScalableTargetRequest r;
  r.resource_id = "service/app/web";
  r.min_capacity = 1;
  r.max_capacity = 4;
  r.role_arn = "arn:role";
  r.suspended_state = ScalableTargetSuspendedState{true, false, false};
  r.tags = {{"wharf:app", "shop"}};
  auto arn =
      Call<std::string>([&](auto done) { scaling_.RegisterScalableTarget(r, std::move(done)); });
  ASSERT_TRUE(arn.ok()) << arn.status().ToString();
  EXPECT_EQ(arn.value(), "arn:target/1");
  EXPECT_EQ(Target(0), "AnyScaleFrontendService.RegisterScalableTarget");
  EXPECT_EQ(Body(0), json::parse(R"({"ServiceNamespace": "ecs", "ResourceId": "service/app/web",
      "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": 1, "MaxCapacity": 4,
      "RoleARN": "arn:role", "SuspendedState": {"DynamicScalingInSuspended": true,
      "DynamicScalingOutSuspended": false, "ScheduledScalingSuspended": false},
      "Tags": {"wharf:app": "shop"}})"));

  Respond("{}");
  ASSERT_TRUE(Call<bool>([&](auto done) {
                scaling_.DeregisterScalableTarget("ecs", "service/app/web",
                                                  "ecs:service:DesiredCount", std::move(done));
              }).ok());
  EXPECT_EQ(Body(1), json::parse(R"({"ServiceNamespace": "ecs", "ResourceId": "service/app/web",
      "ScalableDimension": "ecs:service:DesiredCount"})"));

  Respond(R"({"__type": "ValidationException", "message": "No scalable target found"})", 400);
  auto missing = Call<bool>([&](auto done) {
    scaling_.DeregisterScalableTarget("ecs", "service/app/web", "ecs:service:DesiredCount",
                                      std::move(done));
  });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), "ValidationException");
  EXPECT_EQ(missing.error().service(), "application-autoscaling");
  EXPECT_FALSE(missing.retryable());
}

TEST_F(ApplicationAutoScalingClientTest, PutTargetTrackingPolicies) {
  Respond(R"({"PolicyARN": "arn:policy/cpu", "Alarms": [
      {"AlarmName": "TargetTracking-high", "AlarmARN": "arn:alarm:high"},
      {"AlarmName": "TargetTracking-low", "AlarmARN": "arn:alarm:low"}]})");
  PutScalingPolicyRequest cpu;
  cpu.policy_name = "cpu";
  cpu.resource_id = "service/app/web";
  cpu.target_tracking.target_value = 60;
  cpu.target_tracking.predefined_metric_type = "ECSServiceAverageCPUUtilization";
  cpu.target_tracking.scale_in_cooldown_seconds = 300;
  cpu.target_tracking.scale_out_cooldown_seconds = 60;
  auto got = Call<PutScalingPolicyResult>(
      [&](auto done) { scaling_.PutScalingPolicy(cpu, std::move(done)); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->policy_arn, "arn:policy/cpu");
  ASSERT_EQ(got->alarms.size(), 2u);
  EXPECT_EQ(got->alarms[0].name, "TargetTracking-high");
  EXPECT_EQ(got->alarms[1].arn, "arn:alarm:low");
  EXPECT_EQ(Body(0), json::parse(R"({"PolicyName": "cpu", "ServiceNamespace": "ecs",
      "ResourceId": "service/app/web", "ScalableDimension": "ecs:service:DesiredCount",
      "PolicyType": "TargetTrackingScaling", "TargetTrackingScalingPolicyConfiguration": {
        "TargetValue": 60.0,
        "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
        "ScaleInCooldown": 300, "ScaleOutCooldown": 60}})"));

  Respond(R"({"PolicyARN": "arn:policy/requests"})");
  PutScalingPolicyRequest requests;
  requests.policy_name = "requests";
  requests.resource_id = "service/app/web";
  requests.target_tracking.target_value = 1000;
  requests.target_tracking.predefined_metric_type = "ALBRequestCountPerTarget";
  requests.target_tracking.resource_label = "app/web/1/targetgroup/web/2";
  requests.target_tracking.disable_scale_in = true;
  auto alb = Call<PutScalingPolicyResult>(
      [&](auto done) { scaling_.PutScalingPolicy(requests, std::move(done)); });
  ASSERT_TRUE(alb.ok()) << alb.status().ToString();
  EXPECT_TRUE(alb->alarms.empty());
  EXPECT_EQ(Body(1)["TargetTrackingScalingPolicyConfiguration"], json::parse(R"({
      "TargetValue": 1000.0, "DisableScaleIn": true, "PredefinedMetricSpecification": {
        "PredefinedMetricType": "ALBRequestCountPerTarget",
        "ResourceLabel": "app/web/1/targetgroup/web/2"}})"));

  Respond(R"({"Alarms": []})");
  auto no_arn = Call<PutScalingPolicyResult>(
      [&](auto done) { scaling_.PutScalingPolicy(cpu, std::move(done)); });
  ASSERT_FALSE(no_arn.ok());
  EXPECT_EQ(no_arn.error().code(), "MalformedResponse");
}

TEST_F(ApplicationAutoScalingClientTest, DescribeScalableTargetsFollowsNextToken) {
  Respond(R"({"ScalableTargets": [{"ServiceNamespace": "ecs", "ResourceId": "service/app/web",
      "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": 1, "MaxCapacity": 4,
      "RoleARN": "arn:role", "CreationTime": 1700000000.5, "ScalableTargetARN": "arn:t",
      "SuspendedState": {"DynamicScalingInSuspended": false, "DynamicScalingOutSuspended": true,
                         "ScheduledScalingSuspended": false}}], "NextToken": "n"})");
  Respond(R"({"ScalableTargets": [{"ResourceId": "service/app/api", "MinCapacity": 0,
      "MaxCapacity": 2, "RoleARN": null, "SuspendedState": null}], "NextToken": null})");
  DescribeScalableTargetsRequest r;
  r.resource_ids = {"service/app/web", "service/app/api"};
  r.scalable_dimension = "ecs:service:DesiredCount";
  r.max_results = 1;
  auto got = Call<std::vector<ScalableTarget>>(
      [&](auto done) { scaling_.DescribeScalableTargets(r, std::move(done)); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 2u);
  const ScalableTarget& web = got.value()[0];
  EXPECT_EQ(web.resource_id, "service/app/web");
  EXPECT_EQ(web.min_capacity, 1);
  EXPECT_EQ(web.max_capacity, 4);
  EXPECT_EQ(web.role_arn, "arn:role");
  EXPECT_EQ(web.arn, "arn:t");
  EXPECT_EQ(web.creation_time_ms, 1700000000500);
  EXPECT_EQ(web.suspended_state, (ScalableTargetSuspendedState{false, true, false}));
  EXPECT_FALSE(got.value()[1].suspended_state.has_value());
  EXPECT_EQ(Body(1), json::parse(R"({"ServiceNamespace": "ecs",
      "ResourceIds": ["service/app/web", "service/app/api"],
      "ScalableDimension": "ecs:service:DesiredCount", "MaxResults": 1, "NextToken": "n"})"));

  Respond(R"({"ScalableTargets": [{"MinCapacity": "1"}]})");
  auto bad = Call<std::vector<ScalableTarget>>([&](auto done) {
    scaling_.DescribeScalableTargets(DescribeScalableTargetsRequest{}, std::move(done));
  });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), "MalformedResponse");
  EXPECT_EQ(Body(2), json::parse(R"({"ServiceNamespace": "ecs"})"));
}

TEST_F(ApplicationAutoScalingClientTest, DescribeScalingPoliciesParsesTargetTracking) {
  Respond(R"({"ScalingPolicies": [{"PolicyARN": "arn:p", "PolicyName": "cpu",
      "ServiceNamespace": "ecs", "ResourceId": "service/app/web",
      "ScalableDimension": "ecs:service:DesiredCount", "PolicyType": "TargetTrackingScaling",
      "CreationTime": 1700000000, "Alarms": [{"AlarmName": "a", "AlarmARN": "arn:a"}],
      "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 60.0,
        "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
        "ScaleInCooldown": 300, "ScaleOutCooldown": 60}},
      {"PolicyName": "steps", "PolicyType": "StepScaling"}]})");
  DescribeScalingPoliciesRequest r;
  r.resource_id = "service/app/web";
  r.scalable_dimension = "ecs:service:DesiredCount";
  r.policy_names = {"cpu", "steps"};
  auto got = Call<std::vector<ScalingPolicy>>(
      [&](auto done) { scaling_.DescribeScalingPolicies(r, std::move(done)); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(Body(0), json::parse(R"({"ServiceNamespace": "ecs", "ResourceId": "service/app/web",
      "ScalableDimension": "ecs:service:DesiredCount", "PolicyNames": ["cpu", "steps"]})"));
  ASSERT_EQ(got->size(), 2u);
  const ScalingPolicy& cpu = got.value()[0];
  EXPECT_EQ(cpu.arn, "arn:p");
  EXPECT_EQ(cpu.policy_type, "TargetTrackingScaling");
  EXPECT_EQ(cpu.creation_time_ms, 1700000000000);
  ASSERT_EQ(cpu.alarms.size(), 1u);
  TargetTrackingConfiguration want;
  want.target_value = 60;
  want.predefined_metric_type = "ECSServiceAverageCPUUtilization";
  want.scale_in_cooldown_seconds = 300;
  want.scale_out_cooldown_seconds = 60;
  EXPECT_EQ(cpu.target_tracking, want);
  EXPECT_FALSE(got.value()[1].target_tracking.has_value());

  Respond(R"({"ScalingPolicies": [{"TargetTrackingScalingPolicyConfiguration": {
      "TargetValue": "60"}}]})");
  auto bad = Call<std::vector<ScalingPolicy>>(
      [&](auto done) { scaling_.DescribeScalingPolicies(r, std::move(done)); });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), "MalformedResponse");
}

}  // namespace
}  // namespace wharf::aws
