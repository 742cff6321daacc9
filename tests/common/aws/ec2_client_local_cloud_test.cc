// Ec2Client against the local cloud (localcloud/).
#include "common/aws/ec2_client.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/common/aws/query_local_cloud_fixture.h"

namespace wharf::aws {
namespace {

class Ec2ClientLocalCloudTest : public test::QueryLocalCloudTest {
 protected:
  void SetUp() override {
    test::QueryLocalCloudTest::SetUp();
    if (HasFatalFailure()) return;
    ec2_ = std::make_unique<Ec2Client>(*client_);
  }

  void TearDown() override {
    ec2_.reset();
    test::QueryLocalCloudTest::TearDown();
  }

  std::string DefaultVpcId() {
    auto vpcs = Call<std::vector<Ec2Vpc>>([&](auto done) {
      ec2_->DescribeVpcs({.filters = {{"is-default", {"true"}}}}, std::move(done));
    });
    EXPECT_TRUE(vpcs.ok()) << vpcs.status().ToString();
    if (!vpcs.ok() || vpcs->size() != 1) {
      ADD_FAILURE() << "no default VPC";
      return "";
    }
    return vpcs.value()[0].id;
  }

  Outcome<Ec2CreateSecurityGroupResult> CreateGroup(
      const std::string& name, const std::string& vpc_id,
      const std::map<std::string, std::string>& tags = {}) {
    return Call<Ec2CreateSecurityGroupResult>([&](auto done) {
      ec2_->CreateSecurityGroup({name, name + " tasks", vpc_id, tags}, std::move(done));
    });
  }

  Outcome<Ec2SecurityGroup> DescribeGroup(const std::string& id) {
    auto groups = Call<std::vector<Ec2SecurityGroup>>(
        [&](auto done) { ec2_->DescribeSecurityGroups({.group_ids = {id}}, std::move(done)); });
    if (!groups.ok()) return groups.error();
    if (groups->size() != 1) {
      return ClientError(services::kEc2, "test", "Unexpected",
                         std::to_string(groups->size()) + " groups");
    }
    return groups.value()[0];
  }

  std::unique_ptr<Ec2Client> ec2_;
};

TEST_F(Ec2ClientLocalCloudTest, DefaultVpcAndItsSubnets) {
  const std::string vpc_id = DefaultVpcId();
  ASSERT_FALSE(vpc_id.empty());
  auto all = Call<std::vector<Ec2Vpc>>([&](auto done) { ec2_->DescribeVpcs({}, done); });
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_GE(all->size(), 1u);
  auto it = std::find_if(all->begin(), all->end(), [&](const Ec2Vpc& v) { return v.id == vpc_id; });
  ASSERT_NE(it, all->end());
  EXPECT_TRUE(it->is_default);
  EXPECT_EQ(it->state, "available");
  EXPECT_EQ(it->cidr_block, "172.31.0.0/16");
  EXPECT_EQ(it->owner_id, "123456789012");

  // A page size is sent (moto answers everything in one page anyway).
  auto subnets = Call<std::vector<Ec2Subnet>>([&](auto done) {
    ec2_->DescribeSubnets({.filters = {{"vpc-id", {vpc_id}}}, .page_size = 5}, done);
  });
  ASSERT_TRUE(subnets.ok()) << subnets.status().ToString();
  ASSERT_GE(subnets->size(), 2u);
  for (const Ec2Subnet& s : subnets.value()) {
    EXPECT_EQ(s.vpc_id, vpc_id);
    EXPECT_TRUE(s.default_for_az);
    EXPECT_EQ(s.state, "available");
    EXPECT_FALSE(s.availability_zone.empty());
    EXPECT_GT(s.available_ip_address_count, 0);
    EXPECT_EQ(s.arn, "arn:aws:ec2:us-east-1:123456789012:subnet/" + s.id);
  }

  // By id, and an unknown id.
  auto one = Call<std::vector<Ec2Subnet>>(
      [&](auto done) { ec2_->DescribeSubnets({.subnet_ids = {subnets.value()[0].id}}, done); });
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ(one.value()[0].cidr_block, subnets.value()[0].cidr_block);
  auto missing = Call<std::vector<Ec2Vpc>>(
      [&](auto done) { ec2_->DescribeVpcs({.vpc_ids = {"vpc-0000000000000000f"}}, done); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), "InvalidVpcID.NotFound");
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
}

TEST_F(Ec2ClientLocalCloudTest, SecurityGroupRoundTrip) {
  const std::string vpc_id = DefaultVpcId();
  ASSERT_FALSE(vpc_id.empty());
  auto lb = CreateGroup("web-lb", vpc_id);
  ASSERT_TRUE(lb.ok()) << lb.status().ToString();
  auto web = CreateGroup("web", vpc_id, {{"app", "shop"}, {"wharf:managed", "true"}});
  ASSERT_TRUE(web.ok()) << web.status().ToString();
  EXPECT_EQ(web->group_id.rfind("sg-", 0), 0u);
  EXPECT_EQ(web->arn, "arn:aws:ec2:us-east-1:123456789012:security-group/" + web->group_id);

  auto created = DescribeGroup(web->group_id);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->name, "web");
  EXPECT_EQ(created->description, "web tasks");
  EXPECT_EQ(created->vpc_id, vpc_id);
  EXPECT_EQ(created->tags,
            (std::map<std::string, std::string>{{"app", "shop"}, {"wharf:managed", "true"}}));
  EXPECT_TRUE(created->ip_permissions.empty());
  ASSERT_EQ(created->ip_permissions_egress.size(), 1u);  // EC2's default allow-all
  EXPECT_EQ(created->ip_permissions_egress[0].ip_protocol, "-1");

  // Ingress from a CIDR range and from the load balancer's group.
  Ec2IpPermission http{.ip_protocol = "tcp", .from_port = 80, .to_port = 80};
  http.ip_ranges = {{"10.0.0.0/16", "vpc"}, {"192.168.0.0/24", ""}};
  Ec2IpPermission app{.ip_protocol = "tcp", .from_port = 8080, .to_port = 8080};
  app.user_id_group_pairs = {{lb->group_id, "", "from the load balancer"}};
  auto authorized = Call<std::vector<Ec2SecurityGroupRule>>([&](auto done) {
    ec2_->AuthorizeSecurityGroupIngress(
        {.group_id = web->group_id, .ip_permissions = {http, app}, .tags = {{"app", "shop"}}},
        done);
  });
  ASSERT_TRUE(authorized.ok()) << authorized.status().ToString();
  EXPECT_FALSE(authorized->empty());

  auto with_rules = DescribeGroup(web->group_id);
  ASSERT_TRUE(with_rules.ok()) << with_rules.status().ToString();
  ASSERT_EQ(with_rules->ip_permissions.size(), 2u);
  const Ec2IpPermission& got_http = with_rules->ip_permissions[0];
  EXPECT_EQ(got_http.from_port, 80);
  ASSERT_EQ(got_http.ip_ranges.size(), 2u);
  EXPECT_EQ(got_http.ip_ranges[0].cidr_ip, "10.0.0.0/16");
  EXPECT_EQ(got_http.ip_ranges[0].description, "vpc");
  const Ec2IpPermission& got_app = with_rules->ip_permissions[1];
  ASSERT_EQ(got_app.user_id_group_pairs.size(), 1u);
  EXPECT_EQ(got_app.user_id_group_pairs[0].group_id, lb->group_id);
  EXPECT_EQ(got_app.user_id_group_pairs[0].description, "from the load balancer");

  // The same rules one by one, with their ids and tags.
  auto rules = Call<std::vector<Ec2SecurityGroupRule>>([&](auto done) {
    ec2_->DescribeSecurityGroupRules({.filters = {{"group-id", {web->group_id}}}}, done);
  });
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  ASSERT_EQ(rules->size(), 4u);  // egress + 3 ingress
  std::string rule_from_lb;
  int ingress = 0;
  for (const Ec2SecurityGroupRule& r : rules.value()) {
    EXPECT_EQ(r.group_id, web->group_id);
    EXPECT_EQ(r.id.rfind("sgr-", 0), 0u);
    if (r.is_egress) continue;
    ++ingress;
    EXPECT_EQ(r.tags.at("app"), "shop");
    if (r.referenced_group_id == lb->group_id) rule_from_lb = r.id;
  }
  EXPECT_EQ(ingress, 3);
  ASSERT_FALSE(rule_from_lb.empty());

  // Revoke one CIDR by permission and the source-group rule by id.
  Ec2IpPermission one_range{.ip_protocol = "tcp", .from_port = 80, .to_port = 80};
  one_range.ip_ranges = {{"192.168.0.0/24", ""}};
  auto revoked = Call<Ec2RevokeSecurityGroupIngressResult>([&](auto done) {
    ec2_->RevokeSecurityGroupIngress({.group_id = web->group_id, .ip_permissions = {one_range}},
                                     done);
  });
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_TRUE(revoked->unknown_ip_permissions.empty());
  auto revoked_by_id = Call<Ec2RevokeSecurityGroupIngressResult>([&](auto done) {
    ec2_->RevokeSecurityGroupIngress({.group_id = web->group_id, .rule_ids = {rule_from_lb}}, done);
  });
  ASSERT_TRUE(revoked_by_id.ok()) << revoked_by_id.status().ToString();
  auto after = DescribeGroup(web->group_id);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  ASSERT_EQ(after->ip_permissions.size(), 1u);
  ASSERT_EQ(after->ip_permissions[0].ip_ranges.size(), 1u);
  EXPECT_EQ(after->ip_permissions[0].ip_ranges[0].cidr_ip, "10.0.0.0/16");

  // Tags added later; filters by tag find the group.
  auto tagged = Call<bool>([&](auto done) {
    ec2_->CreateTags({web->group_id}, {{"team", "web"}}, done);
  });
  ASSERT_TRUE(tagged.ok()) << tagged.status().ToString();
  auto by_tag = Call<std::vector<Ec2SecurityGroup>>([&](auto done) {
    ec2_->DescribeSecurityGroups({.filters = {{"tag:team", {"web"}}}}, done);
  });
  ASSERT_TRUE(by_tag.ok()) << by_tag.status().ToString();
  ASSERT_EQ(by_tag->size(), 1u);
  EXPECT_EQ(by_tag.value()[0].id, web->group_id);
  EXPECT_EQ(by_tag.value()[0].tags.size(), 3u);

  // The AWS CLI sees the same group.
  auto cli = AwsCli("ec2 describe-security-groups --group-ids " + web->group_id);
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  auto parsed = nlohmann::json::parse(cli.output, nullptr, false);
  ASSERT_TRUE(parsed.is_object()) << cli.output;
  EXPECT_EQ(parsed["SecurityGroups"][0]["GroupName"], "web");
  EXPECT_EQ(parsed["SecurityGroups"][0]["IpPermissions"].size(), 1u);

  // Delete; the group is gone.
  auto deleted = Call<bool>([&](auto done) { ec2_->DeleteSecurityGroup(web->group_id, done); });
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  auto gone = DescribeGroup(web->group_id);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code(), "InvalidGroup.NotFound");
}

TEST_F(Ec2ClientLocalCloudTest, IngressRuleDescriptionsAreRewrittenInPlace) {
  const std::string vpc_id = DefaultVpcId();
  auto lb = CreateGroup("web-lb", vpc_id);
  ASSERT_TRUE(lb.ok()) << lb.status().ToString();
  auto web = CreateGroup("web", vpc_id);
  ASSERT_TRUE(web.ok()) << web.status().ToString();
  Ec2IpPermission http{.ip_protocol = "tcp", .from_port = 80, .to_port = 80};
  http.ip_ranges = {{"0.0.0.0/0", "old"}};
  Ec2IpPermission app{.ip_protocol = "tcp", .from_port = 8000, .to_port = 8000};
  app.user_id_group_pairs = {{lb->group_id, "", "old"}};
  ASSERT_TRUE(Call<std::vector<Ec2SecurityGroupRule>>([&](auto done) {
                ec2_->AuthorizeSecurityGroupIngress(
                    {.group_id = web->group_id, .ip_permissions = {http, app}}, done);
              }).ok());
  auto before = Call<std::vector<Ec2SecurityGroupRule>>([&](auto done) {
    ec2_->DescribeSecurityGroupRules({.filters = {{"group-id", {web->group_id}}}}, done);
  });
  ASSERT_TRUE(before.ok()) << before.status().ToString();

  http.ip_ranges[0].description = "clients";
  app.user_id_group_pairs[0].description = "load balancer";
  auto updated = Call<bool>([&](auto done) {
    ec2_->UpdateSecurityGroupRuleDescriptionsIngress(web->group_id, {http, app}, done);
  });
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();

  // Same rules (ids kept), new descriptions; the AWS CLI agrees. (The local
  // cloud rewrites only CIDR rules' descriptions: moto 5.2.1 leaves those of
  // group-referencing rules as they were, which AWS does not.)
  auto after = Call<std::vector<Ec2SecurityGroupRule>>([&](auto done) {
    ec2_->DescribeSecurityGroupRules({.filters = {{"group-id", {web->group_id}}}}, done);
  });
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  std::vector<std::string> ids_before, ids_after;
  for (const auto& r : before.value()) ids_before.push_back(r.id);
  for (const auto& r : after.value()) ids_after.push_back(r.id);
  std::sort(ids_before.begin(), ids_before.end());
  std::sort(ids_after.begin(), ids_after.end());
  EXPECT_EQ(ids_after, ids_before);
  auto cli = AwsCli("ec2 describe-security-groups --group-ids " + web->group_id);
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  auto parsed = nlohmann::json::parse(cli.output, nullptr, false);
  ASSERT_TRUE(parsed.is_object()) << cli.output;
  std::map<int, std::string> descriptions;
  for (const auto& p : parsed["SecurityGroups"][0]["IpPermissions"]) {
    for (const auto& range : p["IpRanges"]) descriptions[p["FromPort"]] = range["Description"];
    for (const auto& pair : p["UserIdGroupPairs"]) {
      descriptions[p["FromPort"]] = pair["Description"];
    }
  }
  EXPECT_EQ(descriptions[80], "clients") << cli.output;
}

TEST_F(Ec2ClientLocalCloudTest, ErrorsAreTypedAndTerminal) {
  auto unknown =
      Call<bool>([&](auto done) { ec2_->DeleteSecurityGroup("sg-0123456789abcdef0", done); });
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), "InvalidGroup.NotFound");
  EXPECT_EQ(unknown.error().service(), "ec2");
  EXPECT_EQ(unknown.error().operation(), "DeleteSecurityGroup");
  EXPECT_FALSE(unknown.error().message().empty());
  EXPECT_FALSE(unknown.error().retryable());
  EXPECT_EQ(unknown.status().code(), Status::Code::kNotFound);

  const std::string vpc_id = DefaultVpcId();
  auto first = CreateGroup("dup", vpc_id);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = CreateGroup("dup", vpc_id);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), "InvalidGroup.Duplicate");
  EXPECT_EQ(second.status().code(), Status::Code::kAlreadyExists);

  Ec2IpPermission ssh{.ip_protocol = "tcp", .from_port = 22, .to_port = 22};
  ssh.ip_ranges = {{"10.0.0.0/8", ""}};
  Ec2AuthorizeSecurityGroupIngressRequest request{.group_id = first->group_id,
                                                  .ip_permissions = {ssh}};
  ASSERT_TRUE(Call<std::vector<Ec2SecurityGroupRule>>([&](auto done) {
                ec2_->AuthorizeSecurityGroupIngress(request, done);
              }).ok());
  auto again = Call<std::vector<Ec2SecurityGroupRule>>(
      [&](auto done) { ec2_->AuthorizeSecurityGroupIngress(request, done); });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), "InvalidPermission.Duplicate");
  EXPECT_EQ(again.status().code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(client_->attempts_sent(), 6);  // nothing was retried
}

}  // namespace
}  // namespace wharf::aws
