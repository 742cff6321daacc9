#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/aws/aws_client.h"
#include "common/aws/elbv2_types.h"
#include "common/aws/outcome.h"
#include "common/aws/query_params_builder.h"

namespace wharf::aws {

// Typed Elastic Load Balancing v2 operations (load balancers, target groups,
// listeners, rules, targets, tags) over AwsClient (Query protocol, XML
// responses). A response of an unexpected shape becomes a "MalformedResponse"
// error, never an exception. Describe* calls follow NextMarker to the last
// page. Same threading as AwsClient: callable from any thread, callbacks on
// the io thread. `client` must outlive this object; callbacks of calls in
// flight do not need this object.
//
// Errors worth knowing: describing or deleting something unknown is
// LoadBalancerNotFound / TargetGroupNotFound / ListenerNotFound /
// RuleNotFound (status kNotFound); names in use are
// DuplicateLoadBalancerName / DuplicateTargetGroupName / DuplicateListener;
// a target group still used by a listener is ResourceInUse
// (kFailedPrecondition). Deleting an unknown load balancer succeeds.
class Elbv2Client {
 public:
  template <typename T>
  using Callback = std::function<void(Outcome<T>)>;

  explicit Elbv2Client(AwsClient& client);

  void CreateLoadBalancer(const Elbv2CreateLoadBalancerRequest& request,
                          Callback<Elbv2LoadBalancer> done);
  void DescribeLoadBalancers(const Elbv2DescribeLoadBalancersRequest& request,
                             Callback<std::vector<Elbv2LoadBalancer>> done);
  // The value is always true.
  void DeleteLoadBalancer(const std::string& arn, Callback<bool> done);
  // Replaces the load balancer's subnets (an application load balancer needs
  // two availability zones or more); the value is its zones afterwards.
  void SetSubnets(const std::string& arn, const std::vector<std::string>& subnets,
                  Callback<std::vector<Elbv2AvailabilityZone>> done);
  // Replaces the load balancer's security groups; the value is the groups the
  // service reports back (possibly none).
  void SetSecurityGroups(const std::string& arn, const std::vector<std::string>& security_groups,
                         Callback<std::vector<std::string>> done);
  // Every attribute of the load balancer ("idle_timeout.timeout_seconds",
  // "deletion_protection.enabled", ...) by key.
  void DescribeLoadBalancerAttributes(const std::string& arn,
                                      Callback<std::map<std::string, std::string>> done);
  // Sets the attributes given; the value is the attributes the service
  // reports back (those set, or all of them).
  void ModifyLoadBalancerAttributes(const std::string& arn,
                                    const std::map<std::string, std::string>& attributes,
                                    Callback<std::map<std::string, std::string>> done);

  void CreateTargetGroup(const Elbv2CreateTargetGroupRequest& request,
                         Callback<Elbv2TargetGroup> done);
  void DescribeTargetGroups(const Elbv2DescribeTargetGroupsRequest& request,
                            Callback<std::vector<Elbv2TargetGroup>> done);
  // Changes the health check fields that are set.
  void ModifyTargetGroup(const std::string& arn, const Elbv2HealthCheck& health_check,
                         Callback<Elbv2TargetGroup> done);
  void DeleteTargetGroup(const std::string& arn, Callback<bool> done);
  // Every attribute of the group ("deregistration_delay.timeout_seconds",
  // "stickiness.enabled", ...) by key.
  void DescribeTargetGroupAttributes(const std::string& arn,
                                     Callback<std::map<std::string, std::string>> done);
  // Sets the attributes given; the value is the attributes the service
  // reports back (those set, or all of them).
  void ModifyTargetGroupAttributes(const std::string& arn,
                                   const std::map<std::string, std::string>& attributes,
                                   Callback<std::map<std::string, std::string>> done);

  void CreateListener(const Elbv2CreateListenerRequest& request, Callback<Elbv2Listener> done);
  void DescribeListeners(const Elbv2DescribeListenersRequest& request,
                         Callback<std::vector<Elbv2Listener>> done);
  void ModifyListener(const Elbv2ModifyListenerRequest& request, Callback<Elbv2Listener> done);
  void DeleteListener(const std::string& arn, Callback<bool> done);

  void CreateRule(const Elbv2CreateRuleRequest& request, Callback<Elbv2Rule> done);
  // Shifts a rule's weights or changes its conditions in place.
  void ModifyRule(const Elbv2ModifyRuleRequest& request, Callback<Elbv2Rule> done);
  // A listener's rules (the default rule included) or rules by ARN.
  void DescribeRules(const Elbv2DescribeRulesRequest& request,
                     Callback<std::vector<Elbv2Rule>> done);
  void DeleteRule(const std::string& arn, Callback<bool> done);

  // The health of every registered target of the group, or of `targets`.
  void DescribeTargetHealth(const std::string& target_group_arn,
                            const std::vector<Elbv2Target>& targets,
                            Callback<std::vector<Elbv2TargetHealthDescription>> done);
  void RegisterTargets(const std::string& target_group_arn, const std::vector<Elbv2Target>& targets,
                       Callback<bool> done);
  void DeregisterTargets(const std::string& target_group_arn,
                         const std::vector<Elbv2Target>& targets, Callback<bool> done);

  // Adds or overwrites `tags` on each resource (at most 20 ARNs).
  void AddTags(const std::vector<std::string>& arns, const std::map<std::string, std::string>& tags,
               Callback<bool> done);
  void RemoveTags(const std::vector<std::string>& arns, const std::vector<std::string>& keys,
                  Callback<bool> done);
  // The tags of each resource (at most 20 ARNs), by ARN.
  void DescribeTags(const std::vector<std::string>& arns,
                    Callback<std::map<std::string, std::map<std::string, std::string>>> done);

  // The wire parameters of the requests above (without Action and Version).
  // Exposed for tests.
  static QueryParams CreateListenerParams(const Elbv2CreateListenerRequest& request);
  static QueryParams CreateTargetGroupParams(const Elbv2CreateTargetGroupRequest& request);
  static QueryParams CreateRuleParams(const Elbv2CreateRuleRequest& request);

 private:
  AwsClient& client_;
};

}  // namespace wharf::aws
