#include "executors/scaling_policy_handler.h"

#include <utility>
#include <vector>

#include "executors/handler_support.h"

namespace wharf::executors {
namespace {

std::string PolicyName(const v1::Resource& desired) {
  return GetString(desired.properties(), "policy_name", desired.ref().name());
}

std::string ResourceId(const v1::Resource& desired) {
  return GetString(desired.properties(), "resource_id");
}

// A missing policy is ObjectNotFoundException, or (the local cloud, and a
// missing target) a ValidationException saying so.
bool IsNotFound(const v1::Error& error) {
  return error.code() == "ObjectNotFoundException" ||
         (error.code() == "ValidationException" &&
          (error.message().find("No scalable target") != std::string::npos ||
           error.message().find("No scaling policy") != std::string::npos));
}

}  // namespace

aws::TargetTrackingConfiguration ScalingPolicyHandler::ToTargetTracking(
    const v1::Resource& desired) {
  const auto& p = desired.properties();
  aws::TargetTrackingConfiguration t;
  t.target_value = GetNumber(p, "target_value");
  t.predefined_metric_type = GetString(p, "metric", "ECSServiceAverageCPUUtilization");
  t.resource_label = GetString(p, "resource_label");
  if (Has(p, "scale_in_cooldown_seconds")) {
    t.scale_in_cooldown_seconds = GetInt(p, "scale_in_cooldown_seconds");
  }
  if (Has(p, "scale_out_cooldown_seconds")) {
    t.scale_out_cooldown_seconds = GetInt(p, "scale_out_cooldown_seconds");
  }
  return t;
}

v1::Resource ScalingPolicyHandler::ToResource(const aws::ScalingPolicy& policy,
                                              const v1::Resource& desired) {
  v1::Resource r = ObservedLike(desired);
  r.set_id(policy.arn);
  (*r.mutable_outputs())["arn"] = policy.arn;
  auto* p = r.mutable_properties();
  SetString(p, "policy_name", policy.name);
  SetString(p, "resource_id", policy.resource_id);
  if (policy.target_tracking) {
    const aws::TargetTrackingConfiguration& t = *policy.target_tracking;
    SetNumber(p, "target_value", t.target_value);
    SetString(p, "metric", t.predefined_metric_type);
    if (!t.resource_label.empty()) SetString(p, "resource_label", t.resource_label);
    if (t.scale_in_cooldown_seconds) {
      SetNumber(p, "scale_in_cooldown_seconds", *t.scale_in_cooldown_seconds);
    }
    if (t.scale_out_cooldown_seconds) {
      SetNumber(p, "scale_out_cooldown_seconds", *t.scale_out_cooldown_seconds);
    }
  }
  return r;
}

void ScalingPolicyHandler::Handle(const v1::Action& action, Done done) {
  switch (action.verb()) {
    case v1::CREATE:
    case v1::UPDATE:
      return Ensure(action, std::move(done));
    case v1::DELETE:
      return Delete(action, std::move(done));
    case v1::OBSERVE:
      return Observe(action, std::move(done));
    default:
      return done(UnsupportedVerb(action));
  }
}

void ScalingPolicyHandler::Find(
    const v1::Resource& desired,
    std::function<void(aws::Outcome<std::optional<aws::ScalingPolicy>>)> done) {
  aws::DescribeScalingPoliciesRequest request;
  request.resource_id = ResourceId(desired);
  request.scalable_dimension = aws::kEcsDesiredCountDimension;
  request.policy_names = {PolicyName(desired)};
  autoscaling_.DescribeScalingPolicies(
      request, [name = PolicyName(desired), id = ResourceId(desired),
                done = std::move(done)](aws::Outcome<std::vector<aws::ScalingPolicy>> found) {
        if (!found.ok()) return done(found.error());
        for (const auto& policy : found.value()) {
          if (policy.name == name && policy.resource_id == id) {
            return done(std::optional<aws::ScalingPolicy>(policy));
          }
        }
        done(std::optional<aws::ScalingPolicy>());
      });
}

void ScalingPolicyHandler::Ensure(const v1::Action& action, Done done) {
  const v1::Resource desired = action.resource();
  Find(desired, [this, desired,
                 done = std::move(done)](aws::Outcome<std::optional<aws::ScalingPolicy>> found) {
    if (!found.ok()) return done(Failed(found.error()));
    const aws::TargetTrackingConfiguration wanted = ToTargetTracking(desired);
    if (found.value() && found.value()->policy_type == "TargetTrackingScaling" &&
        found.value()->target_tracking == wanted) {
      return done(Succeeded(ToResource(*found.value(), desired), false));
    }
    aws::PutScalingPolicyRequest request;
    request.policy_name = PolicyName(desired);
    request.resource_id = ResourceId(desired);
    request.target_tracking = wanted;
    autoscaling_.PutScalingPolicy(
        request, [desired, request, done](aws::Outcome<aws::PutScalingPolicyResult> put) {
          if (!put.ok()) return done(Failed(put.error()));
          aws::ScalingPolicy policy;
          policy.arn = put->policy_arn;
          policy.name = request.policy_name;
          policy.service_namespace = request.service_namespace;
          policy.resource_id = request.resource_id;
          policy.scalable_dimension = request.scalable_dimension;
          policy.policy_type = "TargetTrackingScaling";
          policy.target_tracking = request.target_tracking;
          policy.alarms = put->alarms;
          done(Succeeded(ToResource(policy, desired), true));
        });
  });
}

void ScalingPolicyHandler::Observe(const v1::Action& action, Done done) {
  const v1::Resource desired = action.resource();
  Find(desired,
       [desired, done = std::move(done)](aws::Outcome<std::optional<aws::ScalingPolicy>> found) {
         if (!found.ok()) return done(Failed(found.error()));
         if (!found.value()) return done(Succeeded(Absent(desired), false));
         done(Succeeded(ToResource(*found.value(), desired), false));
       });
}

void ScalingPolicyHandler::Delete(const v1::Action& action, Done done) {
  const v1::Resource desired = action.resource();
  autoscaling_.DeleteScalingPolicy(PolicyName(desired), aws::kEcsServiceNamespace,
                                   ResourceId(desired), aws::kEcsDesiredCountDimension,
                                   [desired, done = std::move(done)](aws::Outcome<bool> r) {
                                     if (!r.ok() && !IsNotFound(r.error())) {
                                       return done(Failed(r.error()));
                                     }
                                     done(Succeeded(Absent(desired), r.ok()));
                                   });
}

}  // namespace wharf::executors
