#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/aws/ec2_client.h"
#include "executors/action_handler.h"

namespace wharf::executors {

// SECURITY_GROUP actions (docs/RESOURCES.md "SECURITY_GROUP"). The group is
// found by its name (`name`) inside the app's VPC (`vpc_id`).
// - CREATE, UPDATE (ensure): adopt the group, or create it with the desired
//   tags; add desired tags it lacks (CreateTags). A different `description`
//   is incompatible (EC2 cannot change it). Nothing written when it matches.
// - DELETE: delete the group; not found counts as deleted; a group still in
//   use (DependencyViolation: ENIs of stopped tasks linger) is retryable.
// - OBSERVE: describe only; absent = empty id.
// Observed: id and outputs["id"] = the group id; properties name,
// description, vpc_id, tags (all of the group's). Called on the executor's io
// thread; `ec2` must outlive the handler.
class SecurityGroupHandler final : public ActionHandler {
 public:
  explicit SecurityGroupHandler(aws::Ec2Client& ec2) : ec2_(ec2) {}
  void Handle(const v1::Action& action, Done done) override;

  // The group as the observed resource of `desired` (pure).
  static v1::Resource ToObserved(const v1::Resource& desired, const aws::Ec2SecurityGroup& group);

 private:
  using Found = std::function<void(aws::Outcome<std::optional<aws::Ec2SecurityGroup>>)>;
  void Find(const v1::Resource& desired, Found found);
  void Ensure(const v1::Action& action, Done done);
  void Delete(const v1::Action& action, Done done);
  void Observe(const v1::Action& action, Done done);

  aws::Ec2Client& ec2_;
};

}  // namespace wharf::executors
