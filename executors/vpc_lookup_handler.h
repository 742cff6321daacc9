#pragma once

#include <string>
#include <vector>

#include "common/aws/ec2_client.h"
#include "executors/action_handler.h"

namespace wharf::executors {

// VPC actions: the app's network is looked up, never created or deleted
// (docs/RESOURCES.md "VPC").
// - CREATE, UPDATE, OBSERVE: find the VPC (`vpc` empty: the default VPC;
//   "vpc-...": by id; else by its Name tag) and its subnets (`public_subnets`
//   and `task_subnets`: ids or Name tags; public empty: the subnets with
//   MapPublicIpOnLaunch, else all; task empty: the public ones). Outputs
//   vpc_id, cidr, public_subnet_ids, task_subnet_ids (sorted, ","-joined);
//   the observed properties echo the selectors. Never writes (mutated =
//   false). A missing VPC or subnet, or public subnets in fewer than two
//   availability zones, fail terminally naming the fix; OBSERVE reports a
//   missing VPC as absent (empty id).
// - DELETE: succeeds without touching anything.
// Called on the executor's io thread; `ec2` must outlive the handler.
class VpcLookupHandler final : public ActionHandler {
 public:
  explicit VpcLookupHandler(aws::Ec2Client& ec2) : ec2_(ec2) {}
  void Handle(const v1::Action& action, Done done) override;

  // The subnets of `subnets` that `selectors` name (by id or Name tag), or
  // (no selectors) those with MapPublicIpOnLaunch, else all of them; sorted
  // ids. Selectors that match nothing are appended to `unknown`. Pure.
  static std::vector<std::string> SelectSubnets(const std::vector<aws::Ec2Subnet>& subnets,
                                                const std::vector<std::string>& selectors,
                                                bool prefer_public,
                                                std::vector<std::string>* unknown);

 private:
  void Lookup(const v1::Action& action, Done done);
  void LookupSubnets(const v1::Action& action, const aws::Ec2Vpc& vpc, Done done);

  aws::Ec2Client& ec2_;
};

}  // namespace wharf::executors
