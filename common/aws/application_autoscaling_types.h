#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

// Wharf's view of Application Auto Scaling's scalable targets and scaling
// policies, named after the service's members (botocore's
// application-autoscaling service-2.json). For an ECS service:
// service_namespace "ecs", resource_id "service/CLUSTER/SERVICE",
// scalable_dimension "ecs:service:DesiredCount". Timestamps are Unix
// milliseconds.
namespace wharf::aws {

inline constexpr char kEcsServiceNamespace[] = "ecs";
inline constexpr char kEcsDesiredCountDimension[] = "ecs:service:DesiredCount";

struct ScalableTargetSuspendedState {
  bool dynamic_scaling_in_suspended = false;
  bool dynamic_scaling_out_suspended = false;
  bool scheduled_scaling_suspended = false;

  bool operator==(const ScalableTargetSuspendedState&) const = default;
};

struct ScalableTarget {
  std::string service_namespace;
  std::string resource_id;
  std::string scalable_dimension;
  int min_capacity = 0;
  int max_capacity = 0;
  std::string role_arn;
  std::string arn;
  int64_t creation_time_ms = 0;
  std::optional<ScalableTargetSuspendedState> suspended_state;
};

// Registers a new target or updates an existing one (unset members are kept
// on update; a new target needs both capacities).
struct RegisterScalableTargetRequest {
  std::string service_namespace = kEcsServiceNamespace;
  std::string resource_id;
  std::string scalable_dimension = kEcsDesiredCountDimension;
  std::optional<int> min_capacity;
  std::optional<int> max_capacity;
  // Empty: not sent (the service-linked role).
  std::string role_arn;
  std::optional<ScalableTargetSuspendedState> suspended_state;
  std::map<std::string, std::string> tags;
};

// Target tracking on a predefined metric: ECSServiceAverageCPUUtilization,
// ECSServiceAverageMemoryUtilization, or ALBRequestCountPerTarget (which
// needs resource_label "app/LB/ID/targetgroup/TG/ID").
struct TargetTrackingConfiguration {
  double target_value = 0;
  std::string predefined_metric_type;
  std::string resource_label;
  std::optional<int> scale_in_cooldown_seconds;
  std::optional<int> scale_out_cooldown_seconds;
  bool disable_scale_in = false;

  bool operator==(const TargetTrackingConfiguration&) const = default;
};

struct PutScalingPolicyRequest {
  std::string policy_name;
  std::string service_namespace = kEcsServiceNamespace;
  std::string resource_id;
  std::string scalable_dimension = kEcsDesiredCountDimension;
  // Only target tracking is supported by this client.
  TargetTrackingConfiguration target_tracking;
};

// A CloudWatch alarm the service created for a policy.
struct ScalingAlarm {
  std::string name;
  std::string arn;
};

struct PutScalingPolicyResult {
  std::string policy_arn;
  std::vector<ScalingAlarm> alarms;
};

struct ScalingPolicy {
  std::string arn;
  std::string name;
  std::string service_namespace;
  std::string resource_id;
  std::string scalable_dimension;
  // "TargetTrackingScaling", "StepScaling", "PredictiveScaling".
  std::string policy_type;
  // Set for TargetTrackingScaling policies on a predefined metric.
  std::optional<TargetTrackingConfiguration> target_tracking;
  std::vector<ScalingAlarm> alarms;
  int64_t creation_time_ms = 0;
};

struct DescribeScalableTargetsRequest {
  std::string service_namespace = kEcsServiceNamespace;
  // Empty: every target of the namespace.
  std::vector<std::string> resource_ids;
  // Empty: not sent.
  std::string scalable_dimension;
  // Page size; unset: the service's (50). Every page is read.
  std::optional<int> max_results;
};

struct DescribeScalingPoliciesRequest {
  std::string service_namespace = kEcsServiceNamespace;
  // Empty: not sent.
  std::string resource_id;
  std::string scalable_dimension;
  std::vector<std::string> policy_names;
  // Page size; unset: the service's (50). Every page is read.
  std::optional<int> max_results;
};

}  // namespace wharf::aws
