// Ec2Client's request encoding and response parsing, against canned XML.
#include "common/aws/ec2_client.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/common/aws/query_client_test_fixture.h"

namespace wharf::aws {
namespace {

using test::QueryClientTest;
using test::Sorted;

constexpr char kNs[] = R"( xmlns="http://ec2.amazonaws.com/doc/2016-11-15/")";

std::string Ec2Response(const std::string& operation, const std::string& body) {
  return "<" + operation + "Response" + kNs + "><requestId>req-1</requestId>" + body + "</" +
         operation + "Response>";
}

class Ec2ClientTest : public QueryClientTest {
 protected:
  Ec2Client ec2_{*client_};
};

// The expected parameters are what botocore 1.x serializes for the same
// request (EC2 flavour: Groups for UserIdGroupPairs, TagSpecification.N.Tag.M).
TEST_F(Ec2ClientTest, AuthorizeIngressEncodesCidrAndSourceGroupRules) {
  Ec2AuthorizeSecurityGroupIngressRequest request;
  request.group_id = "sg-0123";
  Ec2IpPermission https;
  https.ip_protocol = "tcp";
  https.from_port = 443;
  https.to_port = 443;
  https.user_id_group_pairs = {{"sg-lb", "", "from the load balancer"}};
  https.ip_ranges = {{"10.0.0.0/16", "vpc"}, {"192.168.1.0/24", ""}};
  https.ipv6_ranges = {{"::/0", ""}};
  https.prefix_list_ids = {{"pl-1234", ""}};
  Ec2IpPermission all;
  all.ip_protocol = "-1";
  all.user_id_group_pairs = {{"sg-self", "123456789012", ""}};
  request.ip_permissions = {https, all};
  request.tags = {{"wharf:managed", "true"}, {"app", "shop"}};

  EXPECT_EQ(Sorted(Ec2Client::AuthorizeSecurityGroupIngressParams(request)),
            Sorted({{"GroupId", "sg-0123"},
                    {"IpPermissions.1.IpProtocol", "tcp"},
                    {"IpPermissions.1.FromPort", "443"},
                    {"IpPermissions.1.ToPort", "443"},
                    {"IpPermissions.1.Groups.1.GroupId", "sg-lb"},
                    {"IpPermissions.1.Groups.1.Description", "from the load balancer"},
                    {"IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/16"},
                    {"IpPermissions.1.IpRanges.1.Description", "vpc"},
                    {"IpPermissions.1.IpRanges.2.CidrIp", "192.168.1.0/24"},
                    {"IpPermissions.1.Ipv6Ranges.1.CidrIpv6", "::/0"},
                    {"IpPermissions.1.PrefixListIds.1.PrefixListId", "pl-1234"},
                    {"IpPermissions.2.IpProtocol", "-1"},
                    {"IpPermissions.2.Groups.1.GroupId", "sg-self"},
                    {"IpPermissions.2.Groups.1.UserId", "123456789012"},
                    {"TagSpecification.1.ResourceType", "security-group-rule"},
                    {"TagSpecification.1.Tag.1.Key", "app"},
                    {"TagSpecification.1.Tag.1.Value", "shop"},
                    {"TagSpecification.1.Tag.2.Key", "wharf:managed"},
                    {"TagSpecification.1.Tag.2.Value", "true"}}));

  // On the wire: form-encoded with Action and EC2's API version.
  Respond(Ec2Response("AuthorizeSecurityGroupIngress",
                      "<return>true</return><securityGroupRuleSet><item>"
                      "<securityGroupRuleId>sgr-1</securityGroupRuleId><groupId>sg-0123</groupId>"
                      "<isEgress>false</isEgress><ipProtocol>tcp</ipProtocol>"
                      "<fromPort>443</fromPort><toPort>443</toPort>"
                      "<cidrIpv4>10.0.0.0/16</cidrIpv4><description>vpc</description>"
                      "<tagSet><item><key>app</key><value>shop</value></item></tagSet>"
                      "</item></securityGroupRuleSet>"));
  auto rules = Call<std::vector<Ec2SecurityGroupRule>>(
      [&](auto done) { ec2_.AuthorizeSecurityGroupIngress(request, done); });
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  ASSERT_EQ(rules->size(), 1u);
  EXPECT_EQ(rules.value()[0].id, "sgr-1");
  EXPECT_EQ(rules.value()[0].cidr_ipv4, "10.0.0.0/16");
  EXPECT_EQ(rules.value()[0].from_port, 443);
  EXPECT_EQ(rules.value()[0].tags.at("app"), "shop");
  EXPECT_EQ(SentAction(), "AuthorizeSecurityGroupIngress");
  auto sent = Sent();
  EXPECT_EQ(sent[1], (std::pair<std::string, std::string>{"Version", "2016-11-15"}));
  EXPECT_EQ(transport_.requests()[0].Url(), "https://ec2.eu-west-1.amazonaws.com/");
}

TEST_F(Ec2ClientTest, DescribeAndCreateEncoding) {
  Ec2DescribeVpcsRequest vpcs;
  vpcs.filters = {{"tag:app", {"shop", "web"}}, {"is-default", {"false"}}};
  vpcs.page_size = 5;
  EXPECT_EQ(Ec2Client::DescribeVpcsParams(vpcs), (QueryParams{{"Filter.1.Name", "tag:app"},
                                                              {"Filter.1.Value.1", "shop"},
                                                              {"Filter.1.Value.2", "web"},
                                                              {"Filter.2.Name", "is-default"},
                                                              {"Filter.2.Value.1", "false"},
                                                              {"MaxResults", "5"}}));
  EXPECT_EQ(Ec2Client::DescribeVpcsParams({.vpc_ids = {"vpc-1", "vpc-2"}, .page_size = 5}),
            (QueryParams{{"VpcId.1", "vpc-1"}, {"VpcId.2", "vpc-2"}}));

  EXPECT_EQ(Ec2Client::CreateSecurityGroupParams({"web", "web tasks", "vpc-1", {{"app", "shop"}}}),
            (QueryParams{{"GroupName", "web"},
                         {"GroupDescription", "web tasks"},
                         {"VpcId", "vpc-1"},
                         {"TagSpecification.1.ResourceType", "security-group"},
                         {"TagSpecification.1.Tag.1.Key", "app"},
                         {"TagSpecification.1.Tag.1.Value", "shop"}}));
  // No tags: no TagSpecification (EC2 refuses an empty one).
  EXPECT_EQ(Ec2Client::CreateSecurityGroupParams({"web", "d", "vpc-1", {}}),
            (QueryParams{{"GroupName", "web"}, {"GroupDescription", "d"}, {"VpcId", "vpc-1"}}));

  EXPECT_EQ(Ec2Client::RevokeSecurityGroupIngressParams(
                {.group_id = "sg-0123", .rule_ids = {"sgr-1", "sgr-2"}}),
            (QueryParams{{"GroupId", "sg-0123"},
                         {"SecurityGroupRuleId.1", "sgr-1"},
                         {"SecurityGroupRuleId.2", "sgr-2"}}));
}

TEST_F(Ec2ClientTest, ParsesSecurityGroupsWithMissingOptionalFieldsAndEmptyLists) {
  Respond(Ec2Response("DescribeSecurityGroups", R"(<securityGroupInfo>
      <item>
        <ownerId>123456789012</ownerId><groupId>sg-1</groupId><groupName>web</groupName>
        <groupDescription>web tasks</groupDescription><vpcId>vpc-1</vpcId>
        <ipPermissions>
          <item><ipProtocol>tcp</ipProtocol><fromPort>80</fromPort><toPort>80</toPort>
            <groups><item><userId>123456789012</userId><groupId>sg-lb</groupId>
              <description>lb</description></item></groups>
            <ipRanges><item><cidrIp>10.0.0.0/16</cidrIp></item></ipRanges>
            <ipv6Ranges/><prefixListIds/></item>
        </ipPermissions>
        <ipPermissionsEgress>
          <item><ipProtocol>-1</ipProtocol><groups/>
            <ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges></item>
        </ipPermissionsEgress>
        <tagSet><item><key>app</key><value>shop</value></item></tagSet>
      </item>
      <item><groupId>sg-2</groupId></item>
    </securityGroupInfo>)"));
  auto groups = Call<std::vector<Ec2SecurityGroup>>([&](auto done) {
    ec2_.DescribeSecurityGroups({.group_ids = {"sg-1", "sg-2"}}, done);
  });
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  ASSERT_EQ(groups->size(), 2u);
  const Ec2SecurityGroup& web = groups.value()[0];
  EXPECT_EQ(web.id, "sg-1");
  EXPECT_EQ(web.name, "web");
  EXPECT_EQ(web.description, "web tasks");
  EXPECT_EQ(web.vpc_id, "vpc-1");
  EXPECT_EQ(web.arn, "");  // not sent: empty, not an error
  ASSERT_EQ(web.ip_permissions.size(), 1u);
  EXPECT_EQ(web.ip_permissions[0].from_port, 80);
  ASSERT_EQ(web.ip_permissions[0].user_id_group_pairs.size(), 1u);
  EXPECT_EQ(web.ip_permissions[0].user_id_group_pairs[0].group_id, "sg-lb");
  EXPECT_EQ(web.ip_permissions[0].user_id_group_pairs[0].description, "lb");
  EXPECT_EQ(web.ip_permissions[0].ip_ranges[0].cidr_ip, "10.0.0.0/16");
  EXPECT_TRUE(web.ip_permissions[0].ipv6_ranges.empty());
  ASSERT_EQ(web.ip_permissions_egress.size(), 1u);
  EXPECT_EQ(web.ip_permissions_egress[0].ip_protocol, "-1");
  EXPECT_FALSE(web.ip_permissions_egress[0].from_port.has_value());
  EXPECT_EQ(web.tags.at("app"), "shop");
  const Ec2SecurityGroup& bare = groups.value()[1];
  EXPECT_EQ(bare.id, "sg-2");
  EXPECT_TRUE(bare.ip_permissions.empty());
  EXPECT_TRUE(bare.tags.empty());
  EXPECT_EQ(Sent(), (QueryParams{{"Action", "DescribeSecurityGroups"},
                                 {"Version", "2016-11-15"},
                                 {"GroupId.1", "sg-1"},
                                 {"GroupId.2", "sg-2"}}));
}

TEST_F(Ec2ClientTest, DescribeFollowsNextTokenAndAcceptsAnEmptyResult) {
  Respond(Ec2Response("DescribeSubnets",
                      "<subnetSet><item><subnetId>subnet-1</subnetId><vpcId>vpc-1</vpcId>"
                      "<availabilityZone>us-east-1a</availabilityZone>"
                      "<availableIpAddressCount>4091</availableIpAddressCount>"
                      "<defaultForAz>true</defaultForAz></item></subnetSet>"
                      "<nextToken>page-2</nextToken>"));
  Respond(Ec2Response("DescribeSubnets",
                      "<subnetSet><item><subnetId>subnet-2</subnetId></item></subnetSet>"));
  auto subnets = Call<std::vector<Ec2Subnet>>([&](auto done) {
    ec2_.DescribeSubnets({.filters = {{"vpc-id", {"vpc-1"}}}, .page_size = 5}, done);
  });
  ASSERT_TRUE(subnets.ok()) << subnets.status().ToString();
  ASSERT_EQ(subnets->size(), 2u);
  EXPECT_EQ(subnets.value()[0].availability_zone, "us-east-1a");
  EXPECT_EQ(subnets.value()[0].available_ip_address_count, 4091);
  EXPECT_TRUE(subnets.value()[0].default_for_az);
  EXPECT_EQ(subnets.value()[1].id, "subnet-2");
  EXPECT_FALSE(subnets.value()[1].default_for_az);
  EXPECT_EQ(SentArguments(1), (QueryParams{{"Filter.1.Name", "vpc-id"},
                                           {"Filter.1.Value.1", "vpc-1"},
                                           {"MaxResults", "5"},
                                           {"NextToken", "page-2"}}));

  // No <vpcSet> at all, or an empty one: no VPCs.
  Respond(Ec2Response("DescribeVpcs", ""));
  Respond(Ec2Response("DescribeVpcs", "<vpcSet/>"));
  for (int i = 0; i < 2; ++i) {
    auto vpcs = Call<std::vector<Ec2Vpc>>([&](auto done) { ec2_.DescribeVpcs({}, done); });
    ASSERT_TRUE(vpcs.ok()) << vpcs.status().ToString();
    EXPECT_TRUE(vpcs->empty());
  }
}

TEST_F(Ec2ClientTest, ParsesVpcsAndRules) {
  Respond(Ec2Response("DescribeVpcs",
                      "<vpcSet><item><ownerId>123456789012</ownerId><isDefault>true</isDefault>"
                      "<tagSet/><vpcId>vpc-1</vpcId><state>available</state>"
                      "<cidrBlock>172.31.0.0/16</cidrBlock></item></vpcSet>"));
  auto vpcs = Call<std::vector<Ec2Vpc>>([&](auto done) { ec2_.DescribeVpcs({}, done); });
  ASSERT_TRUE(vpcs.ok()) << vpcs.status().ToString();
  ASSERT_EQ(vpcs->size(), 1u);
  EXPECT_EQ(vpcs.value()[0].id, "vpc-1");
  EXPECT_TRUE(vpcs.value()[0].is_default);
  EXPECT_EQ(vpcs.value()[0].cidr_block, "172.31.0.0/16");
  EXPECT_EQ(vpcs.value()[0].state, "available");

  Respond(Ec2Response("DescribeSecurityGroupRules", R"(<securityGroupRuleSet>
      <item><securityGroupRuleId>sgr-e</securityGroupRuleId><groupId>sg-1</groupId>
        <isEgress>true</isEgress><ipProtocol>-1</ipProtocol><fromPort>-1</fromPort>
        <toPort>-1</toPort><cidrIpv4>0.0.0.0/0</cidrIpv4><tagSet/></item>
      <item><securityGroupRuleId>sgr-g</securityGroupRuleId><groupId>sg-1</groupId>
        <isEgress>false</isEgress><ipProtocol>tcp</ipProtocol><fromPort>8080</fromPort>
        <toPort>8080</toPort><referencedGroupInfo><groupId>sg-lb</groupId>
        <userId>123456789012</userId></referencedGroupInfo></item>
    </securityGroupRuleSet>)"));
  auto rules = Call<std::vector<Ec2SecurityGroupRule>>([&](auto done) {
    ec2_.DescribeSecurityGroupRules({.filters = {{"group-id", {"sg-1"}}}}, done);
  });
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  ASSERT_EQ(rules->size(), 2u);
  EXPECT_TRUE(rules.value()[0].is_egress);
  EXPECT_EQ(rules.value()[0].from_port, -1);
  EXPECT_EQ(rules.value()[1].referenced_group_id, "sg-lb");
  EXPECT_EQ(rules.value()[1].referenced_group_user_id, "123456789012");
  EXPECT_EQ(rules.value()[1].cidr_ipv4, "");
}

TEST_F(Ec2ClientTest, MalformedResponsesAreErrorsNotExceptions) {
  // A security group without its id; a port that is not a number; a false
  // <return>; something that is not EC2's answer at all.
  Respond(Ec2Response("DescribeSecurityGroups",
                      "<securityGroupInfo><item><groupName>x</groupName></item>"
                      "</securityGroupInfo>"));
  auto groups = Call<std::vector<Ec2SecurityGroup>>(
      [&](auto done) { ec2_.DescribeSecurityGroups({}, done); });
  ASSERT_FALSE(groups.ok());
  EXPECT_EQ(groups.error().code(), "MalformedResponse");
  EXPECT_EQ(groups.error().request_id(), "req-1");
  EXPECT_NE(groups.error().message().find("securityGroupInfo/item[0]: missing or empty element "
                                          "groupId"),
            std::string::npos)
      << groups.error().message();

  Respond(Ec2Response("DescribeSecurityGroupRules",
                      "<securityGroupRuleSet><item><securityGroupRuleId>sgr-1"
                      "</securityGroupRuleId><fromPort>http</fromPort></item>"
                      "</securityGroupRuleSet>"));
  auto rules = Call<std::vector<Ec2SecurityGroupRule>>(
      [&](auto done) { ec2_.DescribeSecurityGroupRules({}, done); });
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.error().code(), "MalformedResponse");

  Respond(Ec2Response("CreateTags", "<return>false</return>"));
  auto tagged = Call<bool>([&](auto done) { ec2_.CreateTags({"sg-1"}, {{"a", "b"}}, done); });
  ASSERT_FALSE(tagged.ok());
  EXPECT_EQ(tagged.error().code(), "MalformedResponse");

  Respond("<html>gateway</html>");
  auto created = Call<Ec2CreateSecurityGroupResult>([&](auto done) {
    ec2_.CreateSecurityGroup({"web", "d", "vpc-1", {}}, done);
  });
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code(), "MalformedResponse");
}

TEST_F(Ec2ClientTest, Ec2ErrorsKeepTheirCodeAndStatus) {
  Respond(R"(<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>InvalidGroup.NotFound</Code>
<Message>The security group 'sg-404' does not exist</Message></Error></Errors>
<RequestID>ec2-req</RequestID></Response>)",
          400);
  auto deleted = Call<bool>([&](auto done) { ec2_.DeleteSecurityGroup("sg-404", done); });
  ASSERT_FALSE(deleted.ok());
  EXPECT_EQ(deleted.error().code(), "InvalidGroup.NotFound");
  EXPECT_EQ(deleted.error().request_id(), "ec2-req");
  EXPECT_EQ(deleted.error().operation(), "DeleteSecurityGroup");
  EXPECT_EQ(deleted.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(SentArguments(), (QueryParams{{"GroupId", "sg-404"}}));
}

TEST_F(Ec2ClientTest, RevokeReportsUnknownPermissionsAndCreateTagsEncodes) {
  Respond(Ec2Response("RevokeSecurityGroupIngress",
                      "<return>true</return><unknownIpPermissionSet><item>"
                      "<ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort>"
                      "<ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges>"
                      "</item></unknownIpPermissionSet>"));
  Ec2IpPermission ssh{.ip_protocol = "tcp", .from_port = 22, .to_port = 22};
  ssh.ip_ranges = {{"0.0.0.0/0", ""}};
  auto revoked = Call<Ec2RevokeSecurityGroupIngressResult>([&](auto done) {
    ec2_.RevokeSecurityGroupIngress({.group_id = "sg-1", .ip_permissions = {ssh}}, done);
  });
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  ASSERT_EQ(revoked->unknown_ip_permissions.size(), 1u);
  EXPECT_EQ(revoked->unknown_ip_permissions[0].from_port, 22);
  EXPECT_EQ(SentArguments(), (QueryParams{{"GroupId", "sg-1"},
                                          {"IpPermissions.1.IpProtocol", "tcp"},
                                          {"IpPermissions.1.FromPort", "22"},
                                          {"IpPermissions.1.ToPort", "22"},
                                          {"IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"}}));

  Respond(Ec2Response("CreateTags", ""));  // moto leaves <return> out
  auto tagged = Call<bool>([&](auto done) {
    ec2_.CreateTags({"sg-1", "sg-2"}, {{"app", "shop"}}, done);
  });
  ASSERT_TRUE(tagged.ok()) << tagged.status().ToString();
  EXPECT_EQ(SentArguments(1), (QueryParams{{"ResourceId.1", "sg-1"},
                                           {"ResourceId.2", "sg-2"},
                                           {"Tag.1.Key", "app"},
                                           {"Tag.1.Value", "shop"}}));
}

}  // namespace
}  // namespace wharf::aws
