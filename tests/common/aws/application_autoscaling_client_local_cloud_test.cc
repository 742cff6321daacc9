// ApplicationAutoScalingClient against the local cloud (localcloud/): one
// cloud per suite.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/aws/application_autoscaling_client.h"
#include "common/aws/ecs_client.h"
#include "tests/common/aws/json_local_cloud_fixture.h"

namespace wharf::aws {
namespace {

class ApplicationAutoScalingClientLocalCloudTest : public test::JsonLocalCloudTest {
 protected:
  void SetUp() override {
    test::JsonLocalCloudTest::SetUp();
    if (HasFatalFailure()) return;
    scaling_ = std::make_unique<ApplicationAutoScalingClient>(*client_);
    ecs_ = std::make_unique<EcsClient>(*client_);
    // The service must exist for its scalable target to be registered.
    ASSERT_TRUE(
        Call<EcsCluster>([&](auto done) { ecs_->CreateCluster("app", {}, std::move(done)); }).ok());
    for (const char* name : {"web", "api", "worker"}) {
      EcsCreateServiceRequest service;
      service.cluster = "app";
      service.service_name = name;
      service.desired_count = 0;
      service.deployment_controller = "EXTERNAL";
      ASSERT_TRUE(
          Call<EcsService>([&](auto done) { ecs_->CreateService(service, std::move(done)); }).ok());
    }
  }
  void TearDown() override {
    scaling_.reset();
    ecs_.reset();
    test::JsonLocalCloudTest::TearDown();
  }

  Outcome<std::string> Register(const std::string& resource_id, int min, int max) {
    RegisterScalableTargetRequest r;
    r.resource_id = resource_id;
    r.min_capacity = min;
    r.max_capacity = max;
    return Call<std::string>(
        [&](auto done) { scaling_->RegisterScalableTarget(r, std::move(done)); });
  }

  Outcome<std::vector<ScalableTarget>> Targets(std::vector<std::string> ids,
                                               std::optional<int> page = std::nullopt) {
    DescribeScalableTargetsRequest r;
    r.resource_ids = std::move(ids);
    r.max_results = page;
    return Call<std::vector<ScalableTarget>>(
        [&](auto done) { scaling_->DescribeScalableTargets(r, std::move(done)); });
  }

  std::unique_ptr<ApplicationAutoScalingClient> scaling_;
  std::unique_ptr<EcsClient> ecs_;
};

TEST_F(ApplicationAutoScalingClientLocalCloudTest, TargetRegisterUpdateDescribeDeregister) {
  auto arn = Register("service/app/web", 1, 4);
  ASSERT_TRUE(arn.ok()) << arn.status().ToString();
  EXPECT_EQ(arn.value().rfind(
                "arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/", 0),
            0u)
      << arn.value();

  auto targets = Targets({"service/app/web"});
  ASSERT_TRUE(targets.ok()) << targets.status().ToString();
  ASSERT_EQ(targets->size(), 1u);
  const ScalableTarget& t = targets.value()[0];
  EXPECT_EQ(t.service_namespace, "ecs");
  EXPECT_EQ(t.resource_id, "service/app/web");
  EXPECT_EQ(t.scalable_dimension, "ecs:service:DesiredCount");
  EXPECT_EQ(t.min_capacity, 1);
  EXPECT_EQ(t.max_capacity, 4);
  EXPECT_EQ(t.arn, arn.value());
  EXPECT_GT(t.creation_time_ms, 0);

  // Registering again updates the capacities.
  ASSERT_TRUE(Register("service/app/web", 2, 6).ok());
  auto updated = Targets({"service/app/web"});
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  ASSERT_EQ(updated->size(), 1u);
  EXPECT_EQ(updated.value()[0].min_capacity, 2);
  EXPECT_EQ(updated.value()[0].max_capacity, 6);

  // Three targets in pages of two.
  ASSERT_TRUE(Register("service/app/api", 1, 2).ok());
  ASSERT_TRUE(Register("service/app/worker", 0, 3).ok());
  const int64_t before = client_->attempts_sent();
  auto paged = Targets({}, 2);
  ASSERT_TRUE(paged.ok()) << paged.status().ToString();
  EXPECT_EQ(paged->size(), 3u);
  EXPECT_EQ(client_->attempts_sent() - before, 2);

  auto deregistered = Call<bool>([&](auto done) {
    scaling_->DeregisterScalableTarget(kEcsServiceNamespace, "service/app/web",
                                       kEcsDesiredCountDimension, std::move(done));
  });
  ASSERT_TRUE(deregistered.ok()) << deregistered.status().ToString();
  auto after = Targets({"service/app/web"});
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_TRUE(after->empty());
  auto again = Call<bool>([&](auto done) {
    scaling_->DeregisterScalableTarget(kEcsServiceNamespace, "service/app/web",
                                       kEcsDesiredCountDimension, std::move(done));
  });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), "ValidationException");
  EXPECT_EQ(again.error().http_status(), 400);
  EXPECT_FALSE(again.retryable());

  auto no_service = Register("service/app/no-such-service", 1, 2);
  ASSERT_FALSE(no_service.ok());
  EXPECT_EQ(no_service.error().code(), "ValidationException");
}

TEST_F(ApplicationAutoScalingClientLocalCloudTest, TargetTrackingPoliciesRoundTrip) {
  ASSERT_TRUE(Register("service/app/web", 1, 4).ok());
  PutScalingPolicyRequest cpu;
  cpu.policy_name = "web-cpu";
  cpu.resource_id = "service/app/web";
  cpu.target_tracking.target_value = 60;
  cpu.target_tracking.predefined_metric_type = "ECSServiceAverageCPUUtilization";
  cpu.target_tracking.scale_in_cooldown_seconds = 300;
  cpu.target_tracking.scale_out_cooldown_seconds = 60;
  auto put_cpu = Call<PutScalingPolicyResult>(
      [&](auto done) { scaling_->PutScalingPolicy(cpu, std::move(done)); });
  ASSERT_TRUE(put_cpu.ok()) << put_cpu.status().ToString();
  EXPECT_NE(put_cpu->policy_arn.find("policyName/web-cpu"), std::string::npos)
      << put_cpu->policy_arn;
  EXPECT_EQ(put_cpu->alarms.size(), 2u) << "target tracking's high and low alarms";

  PutScalingPolicyRequest requests;
  requests.policy_name = "web-requests";
  requests.resource_id = "service/app/web";
  requests.target_tracking.target_value = 1000;
  requests.target_tracking.predefined_metric_type = "ALBRequestCountPerTarget";
  requests.target_tracking.resource_label =
      "app/web/50dc6c495c0c9188/targetgroup/web/6d0ecf831eec9f09";
  requests.target_tracking.disable_scale_in = true;
  auto put_requests = Call<PutScalingPolicyResult>(
      [&](auto done) { scaling_->PutScalingPolicy(requests, std::move(done)); });
  ASSERT_TRUE(put_requests.ok()) << put_requests.status().ToString();

  DescribeScalingPoliciesRequest describe;
  describe.resource_id = "service/app/web";
  describe.max_results = 1;
  auto policies = Call<std::vector<ScalingPolicy>>(
      [&](auto done) { scaling_->DescribeScalingPolicies(describe, std::move(done)); });
  ASSERT_TRUE(policies.ok()) << policies.status().ToString();
  ASSERT_EQ(policies->size(), 2u);
  std::map<std::string, ScalingPolicy> by_name;
  for (const ScalingPolicy& p : policies.value()) by_name[p.name] = p;
  ASSERT_EQ(by_name.count("web-cpu"), 1u);
  ASSERT_EQ(by_name.count("web-requests"), 1u);
  EXPECT_EQ(by_name["web-cpu"].arn, put_cpu->policy_arn);
  EXPECT_EQ(by_name["web-cpu"].policy_type, "TargetTrackingScaling");
  EXPECT_EQ(by_name["web-cpu"].target_tracking, cpu.target_tracking);
  EXPECT_EQ(by_name["web-cpu"].alarms.size(), 2u);
  EXPECT_EQ(by_name["web-requests"].target_tracking, requests.target_tracking);

  // Replacing a policy keeps one of that name (moto ignores PolicyNames, so
  // the filter is checked by the unit tests only).
  cpu.target_tracking.target_value = 70;
  ASSERT_TRUE(Call<PutScalingPolicyResult>([&](auto done) {
                scaling_->PutScalingPolicy(cpu, std::move(done));
              }).ok());
  auto replaced = Call<std::vector<ScalingPolicy>>(
      [&](auto done) { scaling_->DescribeScalingPolicies(describe, std::move(done)); });
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
  ASSERT_EQ(replaced.value().size(), 2u);
  for (const ScalingPolicy& p : replaced.value()) {
    ASSERT_TRUE(p.target_tracking.has_value());
    if (p.name == "web-cpu") {
      EXPECT_EQ(p.target_tracking->target_value, 70);
    }
  }

  // (AWS also deletes a target's policies when it is deregistered; moto
  // keeps them, so that is not checked here.)
}

TEST_F(ApplicationAutoScalingClientLocalCloudTest, DeleteScalingPolicy) {
  RegisterScalableTargetRequest target;
  target.resource_id = "service/app/web";
  target.min_capacity = 1;
  target.max_capacity = 3;
  ASSERT_TRUE(Call<std::string>([&](auto done) {
                scaling_->RegisterScalableTarget(target, std::move(done));
              }).ok());
  PutScalingPolicyRequest cpu;
  cpu.policy_name = "web-cpu";
  cpu.resource_id = "service/app/web";
  cpu.target_tracking.target_value = 60;
  cpu.target_tracking.predefined_metric_type = "ECSServiceAverageCPUUtilization";
  ASSERT_TRUE(Call<PutScalingPolicyResult>([&](auto done) {
                scaling_->PutScalingPolicy(cpu, std::move(done));
              }).ok());
  auto deleted = Call<bool>([&](auto done) {
    scaling_->DeleteScalingPolicy("web-cpu", kEcsServiceNamespace, "service/app/web",
                                  kEcsDesiredCountDimension, std::move(done));
  });
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  DescribeScalingPoliciesRequest describe;
  describe.resource_id = "service/app/web";
  auto left = Call<std::vector<ScalingPolicy>>(
      [&](auto done) { scaling_->DescribeScalingPolicies(describe, std::move(done)); });
  ASSERT_TRUE(left.ok()) << left.status().ToString();
  EXPECT_TRUE(left->empty());
  auto again = Call<bool>([&](auto done) {
    scaling_->DeleteScalingPolicy("web-cpu", kEcsServiceNamespace, "service/app/web",
                                  kEcsDesiredCountDimension, std::move(done));
  });
  ASSERT_FALSE(again.ok());
}

}  // namespace
}  // namespace wharf::aws
