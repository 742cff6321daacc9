#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace wharf::aws {

// A Describe* filter: Name=`name`, matching any of `values` ("vpc-id",
// "tag:app", "group-name", "is-default", ...).
struct Ec2Filter {
  std::string name;
  std::vector<std::string> values;
};

struct Ec2Vpc {
  std::string id;
  std::string cidr_block;
  std::string state;  // "pending", "available"
  bool is_default = false;
  std::string owner_id;
  std::map<std::string, std::string> tags;
};

struct Ec2Subnet {
  std::string id;
  std::string arn;
  std::string vpc_id;
  std::string cidr_block;
  std::string availability_zone;     // "us-east-1a"
  std::string availability_zone_id;  // "use1-az6"
  std::string state;                 // "pending", "available"
  int64_t available_ip_address_count = 0;
  bool default_for_az = false;
  bool map_public_ip_on_launch = false;
  std::map<std::string, std::string> tags;
};

struct Ec2IpRange {
  std::string cidr_ip;  // "10.0.0.0/16"
  std::string description;
};

struct Ec2Ipv6Range {
  std::string cidr_ipv6;
  std::string description;
};

// A security group as the source (or destination) of a rule.
struct Ec2UserIdGroupPair {
  std::string group_id;
  std::string user_id;  // the group's account; optional in requests
  std::string description;
};

struct Ec2PrefixListId {
  std::string prefix_list_id;
  std::string description;
};

// One permission of a security group: a protocol and port range open to CIDR
// ranges, security groups and prefix lists. Ports are absent for protocol
// "-1" (everything); ICMP uses them for type and code.
struct Ec2IpPermission {
  std::string ip_protocol;  // "tcp", "udp", "icmp", "-1"
  std::optional<int64_t> from_port;
  std::optional<int64_t> to_port;
  std::vector<Ec2IpRange> ip_ranges;
  std::vector<Ec2Ipv6Range> ipv6_ranges;
  std::vector<Ec2UserIdGroupPair> user_id_group_pairs;
  std::vector<Ec2PrefixListId> prefix_list_ids;
};

struct Ec2SecurityGroup {
  std::string id;
  std::string name;
  std::string description;
  std::string vpc_id;
  std::string owner_id;
  std::string arn;
  std::vector<Ec2IpPermission> ip_permissions;         // ingress
  std::vector<Ec2IpPermission> ip_permissions_egress;  // egress
  std::map<std::string, std::string> tags;
};

// One rule of a security group, as DescribeSecurityGroupRules (and
// AuthorizeSecurityGroupIngress) report it: exactly one of cidr_ipv4,
// cidr_ipv6, prefix_list_id and referenced_group_id is set.
struct Ec2SecurityGroupRule {
  std::string id;  // "sgr-..."
  std::string arn;
  std::string group_id;
  std::string group_owner_id;
  bool is_egress = false;
  std::string ip_protocol;  // "tcp", "udp", "icmp", "-1"
  // -1 when the protocol has no ports.
  std::optional<int64_t> from_port;
  std::optional<int64_t> to_port;
  std::string cidr_ipv4;
  std::string cidr_ipv6;
  std::string prefix_list_id;
  std::string referenced_group_id;
  std::string referenced_group_user_id;
  std::string description;
  std::map<std::string, std::string> tags;
};

// Describe requests: by id and/or filters; nothing set describes everything
// visible. `page_size` (EC2's MaxResults, 5..1000; 0: AWS's default) sets the
// page size; every page is read. It is not sent with ids: EC2's guidance is
// to describe up to 1,000 ids in one unpaged call (some Describe actions
// refuse MaxResults with ids).
struct Ec2DescribeVpcsRequest {
  std::vector<std::string> vpc_ids;
  std::vector<Ec2Filter> filters;
  int64_t page_size = 0;
};

struct Ec2DescribeSubnetsRequest {
  std::vector<std::string> subnet_ids;
  std::vector<Ec2Filter> filters;
  int64_t page_size = 0;
};

struct Ec2DescribeSecurityGroupsRequest {
  std::vector<std::string> group_ids;
  std::vector<Ec2Filter> filters;
  int64_t page_size = 0;
};

struct Ec2DescribeSecurityGroupRulesRequest {
  std::vector<std::string> rule_ids;
  std::vector<Ec2Filter> filters;  // "group-id", "security-group-rule-id", "tag:..."
  int64_t page_size = 0;
};

struct Ec2CreateSecurityGroupRequest {
  std::string name;
  std::string description;  // required by EC2
  std::string vpc_id;
  // Tags set at creation (TagSpecification of resource type security-group).
  std::map<std::string, std::string> tags;
};

struct Ec2CreateSecurityGroupResult {
  std::string group_id;
  std::string arn;
};

struct Ec2AuthorizeSecurityGroupIngressRequest {
  std::string group_id;
  std::vector<Ec2IpPermission> ip_permissions;
  // Tags of the new rules (TagSpecification of resource type
  // security-group-rule).
  std::map<std::string, std::string> tags;
};

// Revokes either whole permissions or rules by id (both may be given).
struct Ec2RevokeSecurityGroupIngressRequest {
  std::string group_id;
  std::vector<Ec2IpPermission> ip_permissions;
  std::vector<std::string> rule_ids;
};

struct Ec2RevokeSecurityGroupIngressResult {
  // Permissions of the request the group did not have (AWS revokes the others
  // and succeeds).
  std::vector<Ec2IpPermission> unknown_ip_permissions;
};

}  // namespace wharf::aws
