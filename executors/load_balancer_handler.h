#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "common/aws/elbv2_client.h"
#include "executors/action_handler.h"

namespace wharf::executors {

// LOAD_BALANCER actions (docs/RESOURCES.md "LOAD_BALANCER"), found by name.
// - CREATE, UPDATE (ensure): adopt or create the load balancer (subnets,
//   security groups, scheme, type, tags). On an existing one: other subnets
//   -> SetSubnets, other security groups -> SetSecurityGroups, desired tags
//   missing or different -> AddTags, `idle_timeout_seconds` (only when set)
//   different -> ModifyLoadBalancerAttributes. A different `scheme` or `type`
//   is incompatible. Nothing written when everything matches.
// - DELETE: delete it; not found counts as deleted.
// - OBSERVE: describe only (with tags, and the idle timeout when desired
//   sets it); absent = empty id.
// Observed: id = the ARN; outputs arn, dns_name, arn_suffix
// ("app/<name>/<id>"); properties name, type, scheme, subnets and
// security_groups (sorted), tags, idle_timeout_seconds (when desired sets
// it). Called on the executor's io thread; `elbv2` must outlive the handler.
class LoadBalancerHandler final : public ActionHandler {
 public:
  explicit LoadBalancerHandler(aws::Elbv2Client& elbv2) : elbv2_(elbv2) {}
  void Handle(const v1::Action& action, Done done) override;

  // What the handler knows of one load balancer.
  struct State {
    aws::Elbv2LoadBalancer lb;
    std::map<std::string, std::string> tags;
    std::optional<int> idle_timeout_seconds;
    bool mutated = false;
  };
  // The load balancer as the observed resource of `desired` (pure).
  static v1::Resource ToObserved(const v1::Resource& desired, const State& state);

 private:
  using Found = std::function<void(aws::Outcome<std::optional<aws::Elbv2LoadBalancer>>)>;
  void Find(const v1::Resource& desired, Found found);
  void Ensure(const v1::Action& action, Done done);
  void Create(const v1::Resource& desired, Done done);
  void Correct(const v1::Resource& desired, aws::Elbv2LoadBalancer lb, Done done);
  void Delete(const v1::Action& action, Done done);
  void Observe(const v1::Action& action, Done done);

  aws::Elbv2Client& elbv2_;
};

}  // namespace wharf::executors
