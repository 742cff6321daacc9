#include "common/aws/ec2_client.h"

#include <utility>

#include "common/aws/query_call.h"
#include "common/aws/xml_reader.h"

namespace wharf::aws {
namespace {

using ListStyle = QueryParamsBuilder::ListStyle;

const AwsService& Ec2() { return services::kEc2; }

// ---- Request encoding (EC2 flavour: lists numbered directly). ----

void AddFilters(QueryParamsBuilder& b, const std::vector<Ec2Filter>& filters) {
  for (size_t i = 0; i < filters.size(); ++i) {
    const std::string item = b.ListItem("Filter", i);
    b.Add(item + ".Name", filters[i].name);
    b.AddStrings(item + ".Value", filters[i].values);
  }
}

// Ids are described in one unpaged call (see Ec2DescribeVpcsRequest).
void AddPageSize(QueryParamsBuilder& b, int64_t page_size, const std::vector<std::string>& ids) {
  if (page_size > 0 && ids.empty()) b.AddInt("MaxResults", page_size);
}

void AddIpPermissions(QueryParamsBuilder& b, const std::vector<Ec2IpPermission>& permissions) {
  for (size_t i = 0; i < permissions.size(); ++i) {
    const Ec2IpPermission& p = permissions[i];
    const std::string item = b.ListItem("IpPermissions", i);
    b.Add(item + ".IpProtocol", p.ip_protocol);
    b.AddIfSet(item + ".FromPort", p.from_port);
    b.AddIfSet(item + ".ToPort", p.to_port);
    for (size_t j = 0; j < p.user_id_group_pairs.size(); ++j) {
      const Ec2UserIdGroupPair& pair = p.user_id_group_pairs[j];
      const std::string group = b.ListItem(item + ".Groups", j);
      b.Add(group + ".GroupId", pair.group_id);
      b.AddIfNotEmpty(group + ".UserId", pair.user_id);
      b.AddIfNotEmpty(group + ".Description", pair.description);
    }
    for (size_t j = 0; j < p.ip_ranges.size(); ++j) {
      const std::string range = b.ListItem(item + ".IpRanges", j);
      b.Add(range + ".CidrIp", p.ip_ranges[j].cidr_ip);
      b.AddIfNotEmpty(range + ".Description", p.ip_ranges[j].description);
    }
    for (size_t j = 0; j < p.ipv6_ranges.size(); ++j) {
      const std::string range = b.ListItem(item + ".Ipv6Ranges", j);
      b.Add(range + ".CidrIpv6", p.ipv6_ranges[j].cidr_ipv6);
      b.AddIfNotEmpty(range + ".Description", p.ipv6_ranges[j].description);
    }
    for (size_t j = 0; j < p.prefix_list_ids.size(); ++j) {
      const std::string prefix = b.ListItem(item + ".PrefixListIds", j);
      b.Add(prefix + ".PrefixListId", p.prefix_list_ids[j].prefix_list_id);
      b.AddIfNotEmpty(prefix + ".Description", p.prefix_list_ids[j].description);
    }
  }
}

void AddTagSpecification(QueryParamsBuilder& b, const std::string& resource_type,
                         const std::map<std::string, std::string>& tags) {
  if (tags.empty()) return;
  const std::string spec = b.ListItem("TagSpecification", 0);
  b.Add(spec + ".ResourceType", resource_type);
  b.AddKeyValues(spec + ".Tag", tags);
}

// ---- Response parsing. ----

std::map<std::string, std::string> Tags(const XmlReader& r) {
  return r.KeyValues("tagSet", "item", "key", "value");
}

Ec2IpPermission ParseIpPermission(const XmlReader& r) {
  Ec2IpPermission p;
  p.ip_protocol = r.String("ipProtocol");
  p.from_port = r.OptionalInt("fromPort");
  p.to_port = r.OptionalInt("toPort");
  for (const XmlReader& g : r.Items("groups", "item")) {
    p.user_id_group_pairs.push_back(
        {g.String("groupId"), g.String("userId"), g.String("description")});
  }
  for (const XmlReader& range : r.Items("ipRanges", "item")) {
    p.ip_ranges.push_back({range.RequiredString("cidrIp"), range.String("description")});
  }
  for (const XmlReader& range : r.Items("ipv6Ranges", "item")) {
    p.ipv6_ranges.push_back({range.RequiredString("cidrIpv6"), range.String("description")});
  }
  for (const XmlReader& prefix : r.Items("prefixListIds", "item")) {
    p.prefix_list_ids.push_back(
        {prefix.RequiredString("prefixListId"), prefix.String("description")});
  }
  return p;
}

std::vector<Ec2IpPermission> ParseIpPermissions(const XmlReader& r, std::string_view list) {
  std::vector<Ec2IpPermission> out;
  for (const XmlReader& item : r.Items(list, "item")) out.push_back(ParseIpPermission(item));
  return out;
}

Ec2SecurityGroupRule ParseRule(const XmlReader& r) {
  Ec2SecurityGroupRule rule;
  rule.id = r.RequiredString("securityGroupRuleId");
  rule.arn = r.String("securityGroupRuleArn");
  rule.group_id = r.String("groupId");
  rule.group_owner_id = r.String("groupOwnerId");
  rule.is_egress = r.Bool("isEgress");
  rule.ip_protocol = r.String("ipProtocol");
  rule.from_port = r.OptionalInt("fromPort");
  rule.to_port = r.OptionalInt("toPort");
  rule.cidr_ipv4 = r.String("cidrIpv4");
  rule.cidr_ipv6 = r.String("cidrIpv6");
  rule.prefix_list_id = r.String("prefixListId");
  XmlReader referenced = r.Child("referencedGroupInfo");
  rule.referenced_group_id = referenced.String("groupId");
  rule.referenced_group_user_id = referenced.String("userId");
  rule.description = r.String("description");
  rule.tags = Tags(r);
  return rule;
}

std::vector<Ec2SecurityGroupRule> ParseRules(const XmlReader& r) {
  std::vector<Ec2SecurityGroupRule> out;
  for (const XmlReader& item : r.Items("securityGroupRuleSet", "item")) {
    out.push_back(ParseRule(item));
  }
  return out;
}

// A paged EC2 Describe call whose items are the <item>s of `list`.
template <typename Item>
void Describe(AwsClient& client, std::string operation, QueryParams params, std::string list,
              Item (*parse_item)(const XmlReader&),
              std::function<void(Outcome<std::vector<Item>>)> done) {
  CallQueryPaged<Item>(
      client, Ec2(), std::move(operation), std::move(params), "NextToken",
      [list = std::move(list), parse_item](const XmlReader& r) {
        QueryPage<Item> page;
        for (const XmlReader& item : r.Items(list, "item")) page.items.push_back(parse_item(item));
        page.next_token = r.String("nextToken");
        return page;
      },
      std::move(done));
}

Ec2Vpc ParseVpc(const XmlReader& r) {
  Ec2Vpc vpc;
  vpc.id = r.RequiredString("vpcId");
  vpc.cidr_block = r.String("cidrBlock");
  vpc.state = r.String("state");
  vpc.is_default = r.Bool("isDefault");
  vpc.owner_id = r.String("ownerId");
  vpc.tags = Tags(r);
  return vpc;
}

Ec2Subnet ParseSubnet(const XmlReader& r) {
  Ec2Subnet subnet;
  subnet.id = r.RequiredString("subnetId");
  subnet.arn = r.String("subnetArn");
  subnet.vpc_id = r.String("vpcId");
  subnet.cidr_block = r.String("cidrBlock");
  subnet.availability_zone = r.String("availabilityZone");
  subnet.availability_zone_id = r.String("availabilityZoneId");
  subnet.state = r.String("state");
  subnet.available_ip_address_count = r.Int("availableIpAddressCount");
  subnet.default_for_az = r.Bool("defaultForAz");
  subnet.map_public_ip_on_launch = r.Bool("mapPublicIpOnLaunch");
  subnet.tags = Tags(r);
  return subnet;
}

Ec2SecurityGroup ParseSecurityGroup(const XmlReader& r) {
  Ec2SecurityGroup group;
  group.id = r.RequiredString("groupId");
  group.name = r.String("groupName");
  group.description = r.String("groupDescription");
  group.vpc_id = r.String("vpcId");
  group.owner_id = r.String("ownerId");
  group.arn = r.String("securityGroupArn");
  group.ip_permissions = ParseIpPermissions(r, "ipPermissions");
  group.ip_permissions_egress = ParseIpPermissions(r, "ipPermissionsEgress");
  group.tags = Tags(r);
  return group;
}

// EC2 answers mutations with <return>true</return>; false (or a malformed
// value) means the request did nothing, which Wharf treats as an error.
bool CheckReturn(const XmlReader& r) {
  if (!r.Bool("return", true)) r.Fail("<return> is false");
  return true;
}

}  // namespace

Ec2Client::Ec2Client(AwsClient& client) : client_(client) {}

QueryParams Ec2Client::DescribeVpcsParams(const Ec2DescribeVpcsRequest& request) {
  QueryParamsBuilder b(ListStyle::kEc2);
  b.AddStrings("VpcId", request.vpc_ids);
  AddFilters(b, request.filters);
  AddPageSize(b, request.page_size, request.vpc_ids);
  return std::move(b).Take();
}

void Ec2Client::DescribeVpcs(const Ec2DescribeVpcsRequest& request,
                             Callback<std::vector<Ec2Vpc>> done) {
  Describe<Ec2Vpc>(client_, "DescribeVpcs", DescribeVpcsParams(request), "vpcSet", &ParseVpc,
                   std::move(done));
}

void Ec2Client::DescribeSubnets(const Ec2DescribeSubnetsRequest& request,
                                Callback<std::vector<Ec2Subnet>> done) {
  QueryParamsBuilder b(ListStyle::kEc2);
  b.AddStrings("SubnetId", request.subnet_ids);
  AddFilters(b, request.filters);
  AddPageSize(b, request.page_size, request.subnet_ids);
  Describe<Ec2Subnet>(client_, "DescribeSubnets", std::move(b).Take(), "subnetSet", &ParseSubnet,
                      std::move(done));
}

void Ec2Client::DescribeSecurityGroups(const Ec2DescribeSecurityGroupsRequest& request,
                                       Callback<std::vector<Ec2SecurityGroup>> done) {
  QueryParamsBuilder b(ListStyle::kEc2);
  b.AddStrings("GroupId", request.group_ids);
  AddFilters(b, request.filters);
  AddPageSize(b, request.page_size, request.group_ids);
  Describe<Ec2SecurityGroup>(client_, "DescribeSecurityGroups", std::move(b).Take(),
                             "securityGroupInfo", &ParseSecurityGroup, std::move(done));
}

void Ec2Client::DescribeSecurityGroupRules(const Ec2DescribeSecurityGroupRulesRequest& request,
                                           Callback<std::vector<Ec2SecurityGroupRule>> done) {
  QueryParamsBuilder b(ListStyle::kEc2);
  b.AddStrings("SecurityGroupRuleId", request.rule_ids);
  AddFilters(b, request.filters);
  AddPageSize(b, request.page_size, request.rule_ids);
  Describe<Ec2SecurityGroupRule>(client_, "DescribeSecurityGroupRules", std::move(b).Take(),
                                 "securityGroupRuleSet", &ParseRule, std::move(done));
}

QueryParams Ec2Client::CreateSecurityGroupParams(const Ec2CreateSecurityGroupRequest& request) {
  QueryParamsBuilder b(ListStyle::kEc2);
  b.Add("GroupName", request.name);
  b.Add("GroupDescription", request.description);
  b.AddIfNotEmpty("VpcId", request.vpc_id);
  AddTagSpecification(b, "security-group", request.tags);
  return std::move(b).Take();
}

void Ec2Client::CreateSecurityGroup(const Ec2CreateSecurityGroupRequest& request,
                                    Callback<Ec2CreateSecurityGroupResult> done) {
  CallQueryOperation<Ec2CreateSecurityGroupResult>(
      client_, Ec2(), "CreateSecurityGroup", CreateSecurityGroupParams(request),
      [](const XmlReader& r) {
        return Ec2CreateSecurityGroupResult{r.RequiredString("groupId"),
                                            r.String("securityGroupArn")};
      },
      std::move(done));
}

void Ec2Client::DeleteSecurityGroup(const std::string& group_id, Callback<bool> done) {
  CallQueryOperation<bool>(client_, Ec2(), "DeleteSecurityGroup", {{"GroupId", group_id}},
                           &CheckReturn, std::move(done));
}

QueryParams Ec2Client::AuthorizeSecurityGroupIngressParams(
    const Ec2AuthorizeSecurityGroupIngressRequest& request) {
  QueryParamsBuilder b(ListStyle::kEc2);
  b.Add("GroupId", request.group_id);
  AddIpPermissions(b, request.ip_permissions);
  AddTagSpecification(b, "security-group-rule", request.tags);
  return std::move(b).Take();
}

void Ec2Client::AuthorizeSecurityGroupIngress(
    const Ec2AuthorizeSecurityGroupIngressRequest& request,
    Callback<std::vector<Ec2SecurityGroupRule>> done) {
  CallQueryOperation<std::vector<Ec2SecurityGroupRule>>(
      client_, Ec2(), "AuthorizeSecurityGroupIngress", AuthorizeSecurityGroupIngressParams(request),
      [](const XmlReader& r) {
        CheckReturn(r);
        return ParseRules(r);
      },
      std::move(done));
}

QueryParams Ec2Client::RevokeSecurityGroupIngressParams(
    const Ec2RevokeSecurityGroupIngressRequest& request) {
  QueryParamsBuilder b(ListStyle::kEc2);
  b.Add("GroupId", request.group_id);
  AddIpPermissions(b, request.ip_permissions);
  b.AddStrings("SecurityGroupRuleId", request.rule_ids);
  return std::move(b).Take();
}

void Ec2Client::RevokeSecurityGroupIngress(const Ec2RevokeSecurityGroupIngressRequest& request,
                                           Callback<Ec2RevokeSecurityGroupIngressResult> done) {
  CallQueryOperation<Ec2RevokeSecurityGroupIngressResult>(
      client_, Ec2(), "RevokeSecurityGroupIngress", RevokeSecurityGroupIngressParams(request),
      [](const XmlReader& r) {
        CheckReturn(r);
        return Ec2RevokeSecurityGroupIngressResult{ParseIpPermissions(r, "unknownIpPermissionSet")};
      },
      std::move(done));
}

void Ec2Client::UpdateSecurityGroupRuleDescriptionsIngress(
    const std::string& group_id, const std::vector<Ec2IpPermission>& ip_permissions,
    Callback<bool> done) {
  QueryParamsBuilder b(ListStyle::kEc2);
  b.Add("GroupId", group_id);
  AddIpPermissions(b, ip_permissions);
  CallQueryOperation<bool>(client_, Ec2(), "UpdateSecurityGroupRuleDescriptionsIngress",
                           std::move(b).Take(), &CheckReturn, std::move(done));
}

void Ec2Client::CreateTags(const std::vector<std::string>& resource_ids,
                           const std::map<std::string, std::string>& tags, Callback<bool> done) {
  QueryParamsBuilder b(ListStyle::kEc2);
  b.AddStrings("ResourceId", resource_ids);
  b.AddKeyValues("Tag", tags);
  CallQueryOperation<bool>(client_, Ec2(), "CreateTags", std::move(b).Take(), &CheckReturn,
                           std::move(done));
}

}  // namespace wharf::aws
