#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/aws/application_autoscaling_client.h"
#include "executors/action_handler.h"

namespace wharf::executors {

// SCALING_POLICY actions: a target-tracking policy (Application Auto
// Scaling, namespace "ecs", dimension ecs:service:DesiredCount) named
// properties.policy_name on properties.resource_id; docs/RESOURCES.md is the
// contract. `metric` is a predefined metric type
// (ECSServiceAverageCPUUtilization, or ALBRequestCountPerTarget with
// `resource_label`).
// - CREATE / UPDATE (ensure): puts the policy when it is missing or its
//   target value, metric, resource label or cooldowns differ; mutated = false
//   otherwise.
// - DELETE: deletes the policy; a missing policy (or target) counts as
//   deleted.
// - OBSERVE: reads only; Absent when there is no such policy.
// The observed resource: id = outputs["arn"] = the policy ARN; properties
// policy_name, resource_id, target_value, metric, resource_label (when set),
// scale_in_cooldown_seconds / scale_out_cooldown_seconds (when set). Called
// on the executor's io thread; `done` once.
class ScalingPolicyHandler final : public ActionHandler {
 public:
  explicit ScalingPolicyHandler(aws::ApplicationAutoScalingClient& autoscaling)
      : autoscaling_(autoscaling) {}
  void Handle(const v1::Action& action, Done done) override;

  // The target tracking `desired` asks for (pure).
  static aws::TargetTrackingConfiguration ToTargetTracking(const v1::Resource& desired);
  // The policy as an observed resource like `desired` (pure).
  static v1::Resource ToResource(const aws::ScalingPolicy& policy, const v1::Resource& desired);

 private:
  void Ensure(const v1::Action& action, Done done);
  void Observe(const v1::Action& action, Done done);
  void Delete(const v1::Action& action, Done done);
  void Find(const v1::Resource& desired,
            std::function<void(aws::Outcome<std::optional<aws::ScalingPolicy>>)> done);

  aws::ApplicationAutoScalingClient& autoscaling_;
};

}  // namespace wharf::executors
