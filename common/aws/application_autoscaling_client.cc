#include "common/aws/application_autoscaling_client.h"

#include <utility>

#include "common/aws/json_call.h"

namespace wharf::aws {
namespace {

using json_call::Array;
using json_call::Bool;
using json_call::Object;
using json_call::OptionalInt32;
using json_call::String;
using json_call::TimestampMs;
using nlohmann::json;

const AwsService& Aas() { return services::kApplicationAutoScaling; }

json Encode(const ScalableTargetSuspendedState& s) {
  return {{"DynamicScalingInSuspended", s.dynamic_scaling_in_suspended},
          {"DynamicScalingOutSuspended", s.dynamic_scaling_out_suspended},
          {"ScheduledScalingSuspended", s.scheduled_scaling_suspended}};
}

json Encode(const TargetTrackingConfiguration& t) {
  json predefined = {{"PredefinedMetricType", t.predefined_metric_type}};
  if (!t.resource_label.empty()) predefined["ResourceLabel"] = t.resource_label;
  json j = {{"TargetValue", t.target_value}, {"PredefinedMetricSpecification", predefined}};
  if (t.scale_in_cooldown_seconds) j["ScaleInCooldown"] = *t.scale_in_cooldown_seconds;
  if (t.scale_out_cooldown_seconds) j["ScaleOutCooldown"] = *t.scale_out_cooldown_seconds;
  if (t.disable_scale_in) j["DisableScaleIn"] = true;
  return j;
}

std::vector<ScalingAlarm> ParseAlarms(const json& j) {
  std::vector<ScalingAlarm> out;
  for (const json& a : Array(j, "Alarms")) {
    out.push_back(ScalingAlarm{String(a, "AlarmName"), String(a, "AlarmARN")});
  }
  return out;
}

ScalableTarget ParseTarget(const json& j) {
  ScalableTarget t;
  t.service_namespace = String(j, "ServiceNamespace");
  t.resource_id = String(j, "ResourceId");
  t.scalable_dimension = String(j, "ScalableDimension");
  t.min_capacity = OptionalInt32(j, "MinCapacity").value_or(0);
  t.max_capacity = OptionalInt32(j, "MaxCapacity").value_or(0);
  t.role_arn = String(j, "RoleARN");
  t.arn = String(j, "ScalableTargetARN");
  t.creation_time_ms = TimestampMs(j, "CreationTime");
  if (const json* s = Object(j, "SuspendedState")) {
    t.suspended_state = ScalableTargetSuspendedState{Bool(*s, "DynamicScalingInSuspended"),
                                                     Bool(*s, "DynamicScalingOutSuspended"),
                                                     Bool(*s, "ScheduledScalingSuspended")};
  }
  return t;
}

ScalingPolicy ParsePolicy(const json& j) {
  ScalingPolicy p;
  p.arn = String(j, "PolicyARN");
  p.name = String(j, "PolicyName");
  p.service_namespace = String(j, "ServiceNamespace");
  p.resource_id = String(j, "ResourceId");
  p.scalable_dimension = String(j, "ScalableDimension");
  p.policy_type = String(j, "PolicyType");
  if (const json* t = Object(j, "TargetTrackingScalingPolicyConfiguration")) {
    TargetTrackingConfiguration config;
    config.target_value = json_call::Double(*t, "TargetValue");
    if (const json* predefined = Object(*t, "PredefinedMetricSpecification")) {
      config.predefined_metric_type = String(*predefined, "PredefinedMetricType");
      config.resource_label = String(*predefined, "ResourceLabel");
    }
    config.scale_in_cooldown_seconds = OptionalInt32(*t, "ScaleInCooldown");
    config.scale_out_cooldown_seconds = OptionalInt32(*t, "ScaleOutCooldown");
    config.disable_scale_in = Bool(*t, "DisableScaleIn");
    p.target_tracking = std::move(config);
  }
  p.alarms = ParseAlarms(j);
  p.creation_time_ms = TimestampMs(j, "CreationTime");
  return p;
}

json_call::Paging CapitalizedPaging() {
  json_call::Paging paging;
  paging.request_token = "NextToken";
  paging.response_token = "NextToken";
  return paging;
}

}  // namespace

ApplicationAutoScalingClient::ApplicationAutoScalingClient(AwsClient& client) : client_(client) {}

void ApplicationAutoScalingClient::RegisterScalableTarget(
    const RegisterScalableTargetRequest& request, Callback<std::string> done) {
  json input = {{"ServiceNamespace", request.service_namespace},
                {"ResourceId", request.resource_id},
                {"ScalableDimension", request.scalable_dimension}};
  if (request.min_capacity) input["MinCapacity"] = *request.min_capacity;
  if (request.max_capacity) input["MaxCapacity"] = *request.max_capacity;
  if (!request.role_arn.empty()) input["RoleARN"] = request.role_arn;
  if (request.suspended_state) input["SuspendedState"] = Encode(*request.suspended_state);
  if (!request.tags.empty()) input["Tags"] = request.tags;
  json_call::Call<std::string>(
      client_, Aas(), "RegisterScalableTarget", std::move(input),
      [](const json& r) { return String(r, "ScalableTargetARN"); }, std::move(done));
}

void ApplicationAutoScalingClient::DeregisterScalableTarget(const std::string& service_namespace,
                                                            const std::string& resource_id,
                                                            const std::string& scalable_dimension,
                                                            Callback<bool> done) {
  json input = {{"ServiceNamespace", service_namespace},
                {"ResourceId", resource_id},
                {"ScalableDimension", scalable_dimension}};
  json_call::Call<bool>(
      client_, Aas(), "DeregisterScalableTarget", std::move(input),
      [](const json&) { return true; }, std::move(done));
}

void ApplicationAutoScalingClient::PutScalingPolicy(const PutScalingPolicyRequest& request,
                                                    Callback<PutScalingPolicyResult> done) {
  json input = {{"PolicyName", request.policy_name},
                {"ServiceNamespace", request.service_namespace},
                {"ResourceId", request.resource_id},
                {"ScalableDimension", request.scalable_dimension},
                {"PolicyType", "TargetTrackingScaling"},
                {"TargetTrackingScalingPolicyConfiguration", Encode(request.target_tracking)}};
  json_call::Call<PutScalingPolicyResult>(
      client_, Aas(), "PutScalingPolicy", std::move(input),
      [](const json& r) {
        return PutScalingPolicyResult{json_call::RequiredString(r, "PolicyARN"), ParseAlarms(r)};
      },
      std::move(done));
}

void ApplicationAutoScalingClient::DescribeScalableTargets(
    const DescribeScalableTargetsRequest& request, Callback<std::vector<ScalableTarget>> done) {
  json input = {{"ServiceNamespace", request.service_namespace}};
  if (!request.resource_ids.empty()) input["ResourceIds"] = request.resource_ids;
  if (!request.scalable_dimension.empty()) input["ScalableDimension"] = request.scalable_dimension;
  if (request.max_results) input["MaxResults"] = *request.max_results;
  json_call::CallPagedItems<ScalableTarget>(
      client_, Aas(), "DescribeScalableTargets", std::move(input), CapitalizedPaging(),
      [](const json& page, std::vector<ScalableTarget>& out) {
        for (const json& t : Array(page, "ScalableTargets")) out.push_back(ParseTarget(t));
      },
      std::move(done));
}

void ApplicationAutoScalingClient::DescribeScalingPolicies(
    const DescribeScalingPoliciesRequest& request, Callback<std::vector<ScalingPolicy>> done) {
  json input = {{"ServiceNamespace", request.service_namespace}};
  if (!request.resource_id.empty()) input["ResourceId"] = request.resource_id;
  if (!request.scalable_dimension.empty()) input["ScalableDimension"] = request.scalable_dimension;
  if (!request.policy_names.empty()) input["PolicyNames"] = request.policy_names;
  if (request.max_results) input["MaxResults"] = *request.max_results;
  json_call::CallPagedItems<ScalingPolicy>(
      client_, Aas(), "DescribeScalingPolicies", std::move(input), CapitalizedPaging(),
      [](const json& page, std::vector<ScalingPolicy>& out) {
        for (const json& p : Array(page, "ScalingPolicies")) out.push_back(ParsePolicy(p));
      },
      std::move(done));
}

void ApplicationAutoScalingClient::DeleteScalingPolicy(const std::string& policy_name,
                                                       const std::string& service_namespace,
                                                       const std::string& resource_id,
                                                       const std::string& scalable_dimension,
                                                       Callback<bool> done) {
  json input = {{"PolicyName", policy_name},
                {"ServiceNamespace", service_namespace},
                {"ResourceId", resource_id},
                {"ScalableDimension", scalable_dimension}};
  json_call::Call<bool>(
      client_, Aas(), "DeleteScalingPolicy", std::move(input), [](const json&) { return true; },
      std::move(done));
}

}  // namespace wharf::aws
