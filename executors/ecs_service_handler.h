#pragma once

#include <optional>
#include <string>

#include "common/aws/ecs_client.h"
#include "executors/action_handler.h"

namespace wharf::executors {

// ECS_SERVICE actions on the service `name` of `cluster` (properties);
// docs/RESOURCES.md is the contract.
// - CREATE / UPDATE (ensure): an ACTIVE service is adopted, and what differs
//   from the properties (task_definition_arn, desired_count when the key is
//   present, deployment, network, health_check_grace_period_seconds,
//   load_balancer) is corrected with one UpdateService carrying only those
//   members (never forceNewDeployment); missing or different tags are added
//   with TagResource. A missing or INACTIVE service is created with a client
//   token derived from the app, name and properties (a retried create never
//   makes two), its desired count from desired_count, else
//   create_only.desired_count, else 1. A DRAINING one is retryable
//   "ServiceDraining". A different launch_type is incompatible. Nothing waits
//   for the service to be stable.
// - DELETE: scales to 0, deletes, then reports retryable "ServiceDraining"
//   until ECS says INACTIVE (or the service is gone); success after that.
// - OBSERVE: DescribeServices only; Absent when missing or INACTIVE.
// The observed resource: id = outputs["arn"] = the service ARN, properties
// in the desired shape (desired_count a number, network lists sorted,
// network.assign_public_ip "ENABLED" or "DISABLED").
// Called on the executor's io thread; `done` once.
class EcsServiceHandler final : public ActionHandler {
 public:
  explicit EcsServiceHandler(aws::EcsClient& ecs) : ecs_(ecs) {}
  void Handle(const v1::Action& action, Done done) override;

  // The service as an observed resource like `desired` (pure).
  static v1::Resource ToResource(const aws::EcsService& service, const v1::Resource& desired);
  // The CreateService request for `desired` (pure).
  static aws::EcsCreateServiceRequest ToCreateRequest(const v1::Resource& desired);
  // The UpdateService that makes `service` match `desired`; nullopt when
  // nothing differs (pure).
  static std::optional<aws::EcsUpdateServiceRequest> Corrections(const aws::EcsService& service,
                                                                 const v1::Resource& desired);
  // At most 36 characters, the same for the same app, name and properties.
  static std::string ClientToken(const v1::Resource& desired);

 private:
  void Ensure(const v1::Action& action, Done done);
  void Adopt(const v1::Resource& desired, aws::EcsService service, Done done);
  void Tag(const v1::Resource& desired, aws::EcsService service, bool mutated, Done done);
  void Observe(const v1::Action& action, Done done);
  void Delete(const v1::Action& action, Done done);
  // The service named like `desired`, nullopt when ECS does not know it.
  void Find(const v1::Resource& desired,
            std::function<void(aws::Outcome<std::optional<aws::EcsService>>)> done);

  aws::EcsClient& ecs_;
};

}  // namespace wharf::executors
