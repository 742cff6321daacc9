#pragma once

#include "common/aws/ecs_client.h"
#include "executors/action_handler.h"

namespace wharf::executors {

// ECS_CLUSTER actions.
// - CREATE: looks the cluster up by name first; an ACTIVE one is adopted
//   (mutated = false), otherwise it is created. Safe to run any number of
//   times, so a re-dispatched action never makes a second cluster.
// - UPDATE: puts the desired tags on the cluster (TagResource).
// - DELETE: deletes the cluster; a missing one counts as deleted.
// - OBSERVE: describes only; a missing or INACTIVE cluster is reported with an
//   empty id.
// The observed resource carries the cluster's ARN (id and outputs["arn"]),
// name and tags. Called on the executor's io thread.
class EcsClusterHandler final : public ActionHandler {
 public:
  explicit EcsClusterHandler(aws::EcsClient& ecs) : ecs_(ecs) {}
  void Handle(const v1::Action& action, Done done) override;

  // The cluster as a Resource of `app` (pure).
  static v1::Resource ToResource(const aws::EcsCluster& cluster, const std::string& app);

 private:
  void Create(const v1::Action& action, Done done);
  void Update(const v1::Action& action, Done done);
  void Delete(const v1::Action& action, Done done);
  void Observe(const v1::Action& action, Done done);

  aws::EcsClient& ecs_;
};

}  // namespace wharf::executors
