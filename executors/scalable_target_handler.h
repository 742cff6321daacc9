#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/aws/application_autoscaling_client.h"
#include "executors/action_handler.h"

namespace wharf::executors {

// SCALABLE_TARGET actions (Application Auto Scaling, namespace "ecs") on
// properties.resource_id ("service/<cluster>/<app>") and scalable_dimension
// (default "ecs:service:DesiredCount"); docs/RESOURCES.md is the contract.
// - CREATE / UPDATE (ensure): registers the target when it is missing or its
//   min_capacity / max_capacity differ; mutated = false otherwise.
// - DELETE: deregisters it (which also deletes its scaling policies); a
//   missing one counts as deleted.
// - OBSERVE: reads only; Absent when there is no such target.
// The observed resource: properties resource_id, scalable_dimension,
// min_capacity, max_capacity; id = the ARN when AWS gives one, else the
// resource id; outputs["arn"] when known. Called on the executor's io
// thread; `done` once.
class ScalableTargetHandler final : public ActionHandler {
 public:
  explicit ScalableTargetHandler(aws::ApplicationAutoScalingClient& autoscaling)
      : autoscaling_(autoscaling) {}
  void Handle(const v1::Action& action, Done done) override;

  // The target as an observed resource like `desired` (pure).
  static v1::Resource ToResource(const aws::ScalableTarget& target, const v1::Resource& desired);

 private:
  void Ensure(const v1::Action& action, Done done);
  void Observe(const v1::Action& action, Done done);
  void Delete(const v1::Action& action, Done done);
  void Find(const v1::Resource& desired,
            std::function<void(aws::Outcome<std::optional<aws::ScalableTarget>>)> done);

  aws::ApplicationAutoScalingClient& autoscaling_;
};

}  // namespace wharf::executors
