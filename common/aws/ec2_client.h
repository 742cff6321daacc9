#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/aws/aws_client.h"
#include "common/aws/ec2_types.h"
#include "common/aws/outcome.h"
#include "common/aws/query_params_builder.h"

namespace wharf::aws {

// Typed Amazon EC2 operations (VPCs, subnets, security groups, tags) over
// AwsClient (EC2's Query flavour, XML responses). The adapter between EC2's
// XML and Wharf's types: a response of an unexpected shape becomes a
// "MalformedResponse" error, never an exception. Describe* calls follow
// NextToken to the last page. Same threading as AwsClient: callable from any
// thread, callbacks on the io thread. `client` must outlive this object;
// callbacks of calls in flight do not need this object.
//
// Errors worth knowing: an unknown id is InvalidGroup.NotFound /
// InvalidVpcID.NotFound / InvalidSubnetID.NotFound (status kNotFound), a
// duplicate group name InvalidGroup.Duplicate and an existing rule
// InvalidPermission.Duplicate (kAlreadyExists), a group still referenced
// DependencyViolation (kFailedPrecondition).
class Ec2Client {
 public:
  template <typename T>
  using Callback = std::function<void(Outcome<T>)>;

  explicit Ec2Client(AwsClient& client);

  void DescribeVpcs(const Ec2DescribeVpcsRequest& request, Callback<std::vector<Ec2Vpc>> done);
  void DescribeSubnets(const Ec2DescribeSubnetsRequest& request,
                       Callback<std::vector<Ec2Subnet>> done);
  void DescribeSecurityGroups(const Ec2DescribeSecurityGroupsRequest& request,
                              Callback<std::vector<Ec2SecurityGroup>> done);
  void DescribeSecurityGroupRules(const Ec2DescribeSecurityGroupRulesRequest& request,
                                  Callback<std::vector<Ec2SecurityGroupRule>> done);
  // Creates the group with the tags (and EC2's default allow-all egress rule).
  void CreateSecurityGroup(const Ec2CreateSecurityGroupRequest& request,
                           Callback<Ec2CreateSecurityGroupResult> done);
  // The value is always true.
  void DeleteSecurityGroup(const std::string& group_id, Callback<bool> done);
  // Adds the permissions; the value is the rules created (as far as the
  // service reports them).
  void AuthorizeSecurityGroupIngress(const Ec2AuthorizeSecurityGroupIngressRequest& request,
                                     Callback<std::vector<Ec2SecurityGroupRule>> done);
  void RevokeSecurityGroupIngress(const Ec2RevokeSecurityGroupIngressRequest& request,
                                  Callback<Ec2RevokeSecurityGroupIngressResult> done);
  // Sets the descriptions of the group's ingress rules that `ip_permissions`
  // name (by protocol, ports and source) to the descriptions given there. The
  // value is always true.
  void UpdateSecurityGroupRuleDescriptionsIngress(
      const std::string& group_id, const std::vector<Ec2IpPermission>& ip_permissions,
      Callback<bool> done);
  // Adds or overwrites `tags` on every resource of `resource_ids`. The value
  // is always true.
  void CreateTags(const std::vector<std::string>& resource_ids,
                  const std::map<std::string, std::string>& tags, Callback<bool> done);

  // The wire parameters of the requests above (without Action and Version).
  // Exposed for tests.
  static QueryParams DescribeVpcsParams(const Ec2DescribeVpcsRequest& request);
  static QueryParams CreateSecurityGroupParams(const Ec2CreateSecurityGroupRequest& request);
  static QueryParams AuthorizeSecurityGroupIngressParams(
      const Ec2AuthorizeSecurityGroupIngressRequest& request);
  static QueryParams RevokeSecurityGroupIngressParams(
      const Ec2RevokeSecurityGroupIngressRequest& request);

 private:
  AwsClient& client_;
};

}  // namespace wharf::aws
