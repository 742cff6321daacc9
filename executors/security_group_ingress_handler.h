#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/aws/ec2_client.h"
#include "executors/action_handler.h"

namespace wharf::executors {

// SECURITY_GROUP_INGRESS actions: one ingress rule of a group
// (docs/RESOURCES.md "SECURITY_GROUP_INGRESS"). The rule is found among the
// group's (`group_id`) rules by protocol, ports and source (`cidr_ipv4` or
// `source_group_id`); other rules, the default egress rule included, are
// never touched.
// - CREATE, UPDATE (ensure): adopt the matching rule or authorize it; a
//   different description is rewritten (UpdateSecurityGroupRuleDescriptions-
//   Ingress). A rule revoked behind Wharf's back is authorized again.
// - DELETE: revoke the rule by id; a missing rule or group counts as deleted.
// - OBSERVE: describe only; absent = empty id.
// Observed: id and outputs["id"] = the "sgr-" rule id; properties group_id,
// protocol, from_port, to_port, cidr_ipv4 or source_group_id, description.
// Called on the executor's io thread; `ec2` must outlive the handler.
class SecurityGroupIngressHandler final : public ActionHandler {
 public:
  explicit SecurityGroupIngressHandler(aws::Ec2Client& ec2) : ec2_(ec2) {}
  void Handle(const v1::Action& action, Done done) override;

  // Whether `rule` is the ingress rule `desired` describes (description
  // aside). Pure.
  static bool Matches(const v1::Resource& desired, const aws::Ec2SecurityGroupRule& rule);
  // The rule as the observed resource of `desired` (pure).
  static v1::Resource ToObserved(const v1::Resource& desired,
                                 const aws::Ec2SecurityGroupRule& rule);

 private:
  using Found = std::function<void(aws::Outcome<std::optional<aws::Ec2SecurityGroupRule>>)>;
  // Finds the rule (with its description).
  void Find(const v1::Resource& desired, Found found);
  // Answers `found` with `rule`; a rule that reports no description while
  // one is desired (EC2 may omit it for rules referencing a group) gets the
  // description its group's permissions list.
  void ReadDescription(const v1::Resource& desired, aws::Ec2SecurityGroupRule rule, Found found);
  void Ensure(const v1::Action& action, Done done);
  void Authorize(const v1::Resource& desired, Done done);
  void Delete(const v1::Action& action, Done done);
  void Observe(const v1::Action& action, Done done);

  aws::Ec2Client& ec2_;
};

}  // namespace wharf::executors
