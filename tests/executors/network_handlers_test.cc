// The network resources' handlers (VPC lookup, security groups and their
// ingress rules, load balancer, target group, listener) against the local
// cloud (localcloud/), reached through RegisterNetworkHandlers: CREATE
// creates, a second CREATE adopts with zero mutating calls, the observed
// properties carry the desired ones, drift made with the AWS CLI is
// corrected, incompatible objects fail naming the field, DELETE removes
// (twice is fine), OBSERVE of a missing object is empty. State is checked
// with the AWS CLI, not only with Wharf.
#include "executors/network_handlers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/util/json_util.h>
#include <nlohmann/json.hpp>

#include "executors/aws_clients.h"
#include "executors/handler_registry.h"
#include "executors/handler_support.h"
#include "tests/common/aws/local_cloud_client_fixture.h"
#include "tests/support/run_until.h"

namespace wharf::executors {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;
using Tags = std::map<std::string, std::string>;

const Tags kTags = {{"wharf:app", "shop"}, {"wharf:managed-by", "wharf"}};

std::string ToJson(const Value& v) {
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(v, &out).ok()) out = "?";
  return out;
}

// Every key `desired` sets is in `observed` with the same value (structs
// compared key by key, so extra observed keys, e.g. more tags, are fine).
void ExpectCarries(const Struct& desired, const Struct& observed, const std::string& at = "") {
  for (const auto& [key, want] : desired.fields()) {
    auto it = observed.fields().find(key);
    if (it == observed.fields().end()) {
      ADD_FAILURE() << "observed lacks " << at << key;
      continue;
    }
    if (want.kind_case() == Value::kStructValue && it->second.kind_case() == Value::kStructValue) {
      ExpectCarries(want.struct_value(), it->second.struct_value(), at + key + ".");
      continue;
    }
    EXPECT_EQ(ToJson(it->second), ToJson(want)) << at << key;
  }
}

class NetworkHandlersTest : public aws::test::LocalCloudClientTest {
 protected:
  void SetUp() override {
    aws::test::LocalCloudClientTest::SetUp();
    if (HasFatalFailure()) return;
    clients_ = std::make_unique<AwsClients>(*client_);
    RegisterNetworkHandlers(registry_, *clients_);
  }

  void TearDown() override {
    clients_.reset();
    aws::test::LocalCloudClientTest::TearDown();
  }

  v1::ActionResult Run(v1::ActionVerb verb, const v1::Resource& resource) {
    ActionHandler* handler = registry_.Find(resource.ref().kind(), verb);
    if (handler == nullptr) {
      ADD_FAILURE() << "no handler for " << v1::ResourceKind_Name(resource.ref().kind()) << "/"
                    << v1::ActionVerb_Name(verb);
      return {};
    }
    v1::Action action;
    action.set_app("shop");
    action.set_verb(verb);
    *action.mutable_resource() = resource;
    std::optional<v1::ActionResult> result;
    int calls = 0;
    handler->Handle(action, [&](v1::ActionResult r) {
      ++calls;
      result = std::move(r);
    });
    EXPECT_TRUE(test_support::RunUntil(
        io_, [&] { return result.has_value(); }, std::chrono::seconds(30)));
    EXPECT_EQ(calls, 1);
    return result.value_or(v1::ActionResult());
  }

  // Run(), expecting success; also counts the mutating calls it made.
  v1::ActionResult RunOk(v1::ActionVerb verb, const v1::Resource& resource,
                         int64_t* mutating_calls = nullptr) {
    const int64_t before = Mutating();
    v1::ActionResult result = Run(verb, resource);
    EXPECT_EQ(result.outcome(), v1::SUCCEEDED)
        << v1::ActionVerb_Name(verb) << " " << resource.ref().name() << ": "
        << result.error().code() << " " << result.error().message();
    if (mutating_calls != nullptr) *mutating_calls = Mutating() - before;
    return result;
  }

  // A second CREATE adopts: succeeds, mutated = false, no mutating call, and
  // the observed resource carries every desired property.
  void ExpectAdopted(const v1::Resource& desired, const std::string& id) {
    int64_t mutating = -1;
    v1::ActionResult again = RunOk(v1::CREATE, desired, &mutating);
    EXPECT_FALSE(again.mutated());
    EXPECT_EQ(mutating, 0);
    EXPECT_EQ(again.observed().id(), id);
    ExpectCarries(desired.properties(), again.observed().properties());
    v1::ActionResult observed = RunOk(v1::OBSERVE, desired, &mutating);
    EXPECT_EQ(mutating, 0);
    EXPECT_EQ(observed.observed().id(), id);
    ExpectCarries(desired.properties(), observed.observed().properties());
  }

  // DELETE removes, a second DELETE finds nothing, OBSERVE reports it absent.
  void ExpectDeletedTwice(const v1::Resource& desired) {
    v1::ActionResult first = RunOk(v1::DELETE, desired);
    EXPECT_TRUE(first.mutated());
    int64_t mutating = -1;
    v1::ActionResult second = RunOk(v1::DELETE, desired, &mutating);
    EXPECT_FALSE(second.mutated());
    EXPECT_EQ(mutating, 0);
    v1::ActionResult observed = RunOk(v1::OBSERVE, desired);
    EXPECT_TRUE(observed.observed().id().empty());
    EXPECT_EQ(observed.observed().ref().name(), desired.ref().name());
  }

  void ExpectIncompatible(const v1::Resource& desired, const std::string& field) {
    int64_t before = Mutating();
    v1::ActionResult result = Run(v1::CREATE, desired);
    EXPECT_EQ(result.outcome(), v1::FAILED_TERMINAL);
    EXPECT_EQ(result.error().code(), "IncompatibleResource");
    EXPECT_NE(result.error().message().find(field), std::string::npos) << result.error().message();
    EXPECT_EQ(Mutating() - before, 0);
  }

  int64_t Mutating() {
    auto counters = cloud_->Counters();
    EXPECT_TRUE(counters.ok()) << counters.status().ToString();
    if (!counters.ok()) return -1;
    return counters.value()["total"]["mutating"].get<int64_t>();
  }

  nlohmann::json Cli(const std::string& args) {
    auto r = AwsCli(args);
    EXPECT_EQ(r.exit_code, 0) << args << ": " << r.output;
    if (r.output.empty()) return nlohmann::json::object();
    return nlohmann::json::parse(r.output, nullptr, false);
  }

  static v1::Resource Resource(v1::ResourceKind kind, const std::string& name, bool tagged) {
    v1::Resource r;
    r.set_app("shop");
    r.mutable_ref()->set_kind(kind);
    r.mutable_ref()->set_name(name);
    if (tagged) SetTags(&r, kTags);
    return r;
  }

  static v1::Resource Vpc(const std::string& vpc = "", const std::vector<std::string>& publics = {},
                          const std::vector<std::string>& tasks = {}) {
    v1::Resource r = Resource(v1::VPC, "shop-network", false);
    SetString(r.mutable_properties(), "vpc", vpc);
    SetStringList(r.mutable_properties(), "public_subnets", publics);
    SetStringList(r.mutable_properties(), "task_subnets", tasks);
    return r;
  }

  static v1::Resource SecurityGroup(const std::string& name, const std::string& vpc_id,
                                    const std::string& description) {
    v1::Resource r = Resource(v1::SECURITY_GROUP, name, true);
    SetString(r.mutable_properties(), "name", name);
    SetString(r.mutable_properties(), "description", description);
    SetString(r.mutable_properties(), "vpc_id", vpc_id);
    return r;
  }

  // `source` is a CIDR range or a group id ("sg-...").
  static v1::Resource Ingress(const std::string& name, const std::string& group_id, int port,
                              const std::string& source, const std::string& description) {
    v1::Resource r = Resource(v1::SECURITY_GROUP_INGRESS, name, false);
    auto* p = r.mutable_properties();
    SetString(p, "group_id", group_id);
    SetString(p, "protocol", "tcp");
    SetNumber(p, "from_port", port);
    SetNumber(p, "to_port", port);
    SetString(p, source.rfind("sg-", 0) == 0 ? "source_group_id" : "cidr_ipv4", source);
    SetString(p, "description", description);
    return r;
  }

  static v1::Resource LoadBalancer(const std::vector<std::string>& subnets,
                                   const std::vector<std::string>& groups,
                                   const std::string& scheme = "internet-facing") {
    v1::Resource r = Resource(v1::LOAD_BALANCER, "shop", true);
    auto* p = r.mutable_properties();
    SetString(p, "name", "shop");
    SetString(p, "type", "application");
    SetString(p, "scheme", scheme);
    std::vector<std::string> sorted = subnets;
    std::sort(sorted.begin(), sorted.end());
    SetStringList(p, "subnets", sorted);
    SetStringList(p, "security_groups", groups);
    return r;
  }

  static v1::Resource TargetGroup(const std::string& name, const std::string& vpc_id,
                                  int port = 8000) {
    v1::Resource r = Resource(v1::TARGET_GROUP, name, true);
    auto* p = r.mutable_properties();
    SetString(p, "name", name);
    SetString(p, "protocol", "HTTP");
    SetNumber(p, "port", port);
    SetString(p, "vpc_id", vpc_id);
    SetString(p, "target_type", "ip");
    SetString(p, "health_check.path", "/");
    SetNumber(p, "health_check.interval_seconds", 10);
    SetNumber(p, "health_check.timeout_seconds", 5);
    SetNumber(p, "health_check.healthy_threshold", 2);
    SetNumber(p, "health_check.unhealthy_threshold", 3);
    SetString(p, "health_check.matcher", "200-399");
    SetNumber(p, "deregistration_delay_seconds", 15);
    return r;
  }

  static v1::Resource Listener(const std::string& lb_arn, const std::string& tg_arn,
                               int port = 80) {
    v1::Resource r = Resource(v1::LISTENER, "shop-http", false);
    auto* p = r.mutable_properties();
    SetString(p, "load_balancer_arn", lb_arn);
    SetNumber(p, "port", port);
    SetString(p, "protocol", "HTTP");
    SetString(p, "default_target_group_arn", tg_arn);
    return r;
  }

  // The default VPC's lookup (its outputs feed the other resources).
  v1::Resource Network() {
    v1::ActionResult vpc = RunOk(v1::CREATE, Vpc());
    return vpc.observed();
  }

  static std::vector<std::string> Split(const std::string& joined) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= joined.size() && !joined.empty()) {
      size_t comma = joined.find(',', start);
      out.push_back(joined.substr(start, comma == std::string::npos ? comma : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return out;
  }

  std::unique_ptr<AwsClients> clients_;
  HandlerRegistry registry_;
};

// ---- VPC ----

TEST_F(NetworkHandlersTest, VpcLookupFindsTheDefaultVpcAndItsPublicSubnetsWithoutWriting) {
  int64_t mutating = -1;
  v1::ActionResult found = RunOk(v1::CREATE, Vpc(), &mutating);
  EXPECT_FALSE(found.mutated());
  EXPECT_EQ(mutating, 0);

  auto vpcs = Cli("ec2 describe-vpcs --filters Name=is-default,Values=true");
  ASSERT_EQ(vpcs["Vpcs"].size(), 1u) << vpcs.dump();
  const std::string vpc_id = vpcs["Vpcs"][0]["VpcId"];
  const auto& outputs = found.observed().outputs();
  EXPECT_EQ(outputs.at("vpc_id"), vpc_id);
  EXPECT_EQ(found.observed().id(), vpc_id);
  EXPECT_EQ(outputs.at("cidr"), vpcs["Vpcs"][0]["CidrBlock"]);

  auto subnets = Cli("ec2 describe-subnets --filters Name=vpc-id,Values=" + vpc_id);
  std::vector<std::string> public_ids;
  for (const auto& s : subnets["Subnets"]) {
    if (s["MapPublicIpOnLaunch"] == true) public_ids.push_back(s["SubnetId"]);
  }
  ASSERT_GE(public_ids.size(), 2u) << subnets.dump();
  std::sort(public_ids.begin(), public_ids.end());
  EXPECT_EQ(Split(outputs.at("public_subnet_ids")), public_ids);
  EXPECT_EQ(outputs.at("task_subnet_ids"), outputs.at("public_subnet_ids"));
  ExpectCarries(Vpc().properties(), found.observed().properties());

  // UPDATE and OBSERVE are the same lookup; DELETE touches nothing.
  EXPECT_EQ(RunOk(v1::UPDATE, Vpc()).observed().outputs().at("vpc_id"), vpc_id);
  EXPECT_EQ(RunOk(v1::OBSERVE, Vpc()).observed().id(), vpc_id);
  v1::ActionResult deleted = RunOk(v1::DELETE, Vpc(), &mutating);
  EXPECT_FALSE(deleted.mutated());
  EXPECT_EQ(mutating, 0);
  EXPECT_EQ(Cli("ec2 describe-vpcs --vpc-ids " + vpc_id)["Vpcs"].size(), 1u);
}

TEST_F(NetworkHandlersTest, VpcLookupByNameTagsNeedsTwoZonesAndReportsUnknownNames) {
  auto vpc =
      Cli("ec2 create-vpc --cidr-block 10.20.0.0/16 --tag-specifications "
          "'ResourceType=vpc,Tags=[{Key=Name,Value=shop-vpc}]'");
  const std::string vpc_id = vpc["Vpc"]["VpcId"];
  auto subnet = [&](const std::string& cidr, const std::string& zone, const std::string& name) {
    auto made = Cli(
        "ec2 create-subnet --vpc-id " + vpc_id + " --cidr-block " + cidr + " --availability-zone " +
        zone + " --tag-specifications 'ResourceType=subnet,Tags=[{Key=Name,Value=" + name + "}]'");
    return made["Subnet"]["SubnetId"].get<std::string>();
  };
  const std::string a = subnet("10.20.1.0/24", "us-east-1a", "public-a");
  const std::string a2 = subnet("10.20.3.0/24", "us-east-1a", "private-a");

  // Public subnets in one zone only: terminal, naming the fix.
  v1::ActionResult one_zone = Run(v1::CREATE, Vpc("shop-vpc", {"public-a", a2}));
  EXPECT_EQ(one_zone.outcome(), v1::FAILED_TERMINAL);
  EXPECT_EQ(one_zone.error().code(), "InsufficientSubnets");
  EXPECT_NE(one_zone.error().message().find("two availability zones"), std::string::npos)
      << one_zone.error().message();

  const std::string b = subnet("10.20.2.0/24", "us-east-1b", "public-b");
  v1::Resource desired = Vpc("shop-vpc", {"public-b", a}, {"private-a"});
  v1::ActionResult found = RunOk(v1::CREATE, desired);
  std::vector<std::string> publics = {a, b};
  std::sort(publics.begin(), publics.end());
  EXPECT_EQ(found.observed().outputs().at("vpc_id"), vpc_id);
  EXPECT_EQ(found.observed().outputs().at("cidr"), "10.20.0.0/16");
  EXPECT_EQ(Split(found.observed().outputs().at("public_subnet_ids")), publics);
  EXPECT_EQ(found.observed().outputs().at("task_subnet_ids"), a2);
  ExpectCarries(desired.properties(), found.observed().properties());

  // By id too; unknown names fail terminally, OBSERVE of an unknown VPC is absent.
  EXPECT_EQ(RunOk(v1::CREATE, Vpc(vpc_id, {a, b})).observed().outputs().at("vpc_id"), vpc_id);
  v1::ActionResult no_subnet = Run(v1::CREATE, Vpc("shop-vpc", {"public-a", "public-c"}));
  EXPECT_EQ(no_subnet.outcome(), v1::FAILED_TERMINAL);
  EXPECT_EQ(no_subnet.error().code(), "SubnetNotFound");
  EXPECT_NE(no_subnet.error().message().find("public-c"), std::string::npos);
  v1::ActionResult no_vpc = Run(v1::CREATE, Vpc("no-such-vpc"));
  EXPECT_EQ(no_vpc.outcome(), v1::FAILED_TERMINAL);
  EXPECT_EQ(no_vpc.error().code(), "VpcNotFound");
  EXPECT_TRUE(RunOk(v1::OBSERVE, Vpc("no-such-vpc")).observed().id().empty());
}

// ---- SECURITY_GROUP ----

TEST_F(NetworkHandlersTest, SecurityGroupIsCreatedAdoptedRetaggedAndDeleted) {
  const std::string vpc_id = Network().outputs().at("vpc_id");
  v1::Resource desired = SecurityGroup("shop-alb", vpc_id, "Wharf: load balancer of shop");
  EXPECT_TRUE(RunOk(v1::OBSERVE, desired).observed().id().empty());

  v1::ActionResult created = RunOk(v1::CREATE, desired);
  EXPECT_TRUE(created.mutated());
  const std::string id = created.observed().id();
  ASSERT_EQ(id.rfind("sg-", 0), 0u) << id;
  EXPECT_EQ(created.observed().outputs().at("id"), id);
  ExpectCarries(desired.properties(), created.observed().properties());
  auto cli = Cli("ec2 describe-security-groups --group-ids " + id);
  EXPECT_EQ(cli["SecurityGroups"][0]["GroupName"], "shop-alb");
  EXPECT_EQ(cli["SecurityGroups"][0]["Description"], "Wharf: load balancer of shop");
  EXPECT_EQ(cli["SecurityGroups"][0]["VpcId"], vpc_id);
  EXPECT_EQ(cli["SecurityGroups"][0]["Tags"].size(), 2u) << cli.dump();

  ExpectAdopted(desired, id);

  // A tag removed and one changed behind Wharf's back are put back; an extra
  // tag stays.
  Cli("ec2 delete-tags --resources " + id + " --tags Key=wharf:app");
  Cli("ec2 create-tags --resources " + id +
      " --tags Key=wharf:managed-by,Value=someone Key=team,Value=web");
  v1::ActionResult retagged = RunOk(v1::UPDATE, desired);
  EXPECT_TRUE(retagged.mutated());
  cli = Cli("ec2 describe-security-groups --group-ids " + id);
  Tags tags;
  for (const auto& t : cli["SecurityGroups"][0]["Tags"]) tags[t["Key"]] = t["Value"];
  EXPECT_EQ(tags, (Tags{{"wharf:app", "shop"}, {"wharf:managed-by", "wharf"}, {"team", "web"}}));
  ExpectAdopted(desired, id);

  // Another description cannot be changed in place.
  ExpectIncompatible(SecurityGroup("shop-alb", vpc_id, "something else"), "description");

  ExpectDeletedTwice(desired);
  auto after = Cli("ec2 describe-security-groups --filters Name=group-name,Values=shop-alb");
  EXPECT_TRUE(after["SecurityGroups"].empty()) << after.dump();
}

// ---- SECURITY_GROUP_INGRESS ----

TEST_F(NetworkHandlersTest, IngressRulesAreAuthorizedAdoptedRestoredAndRevoked) {
  const std::string vpc_id = Network().outputs().at("vpc_id");
  const std::string alb =
      RunOk(v1::CREATE, SecurityGroup("shop-alb", vpc_id, "alb")).observed().id();
  const std::string tasks =
      RunOk(v1::CREATE, SecurityGroup("shop-tasks", vpc_id, "tasks")).observed().id();
  v1::Resource http = Ingress("shop-alb-80", alb, 80, "0.0.0.0/0", "Wharf: clients of shop");
  v1::Resource app = Ingress("shop-tasks-8000", tasks, 8000, alb, "Wharf: load balancer of shop");
  EXPECT_TRUE(RunOk(v1::OBSERVE, http).observed().id().empty());

  v1::ActionResult made_http = RunOk(v1::CREATE, http);
  v1::ActionResult made_app = RunOk(v1::CREATE, app);
  EXPECT_TRUE(made_http.mutated());
  EXPECT_TRUE(made_app.mutated());
  ASSERT_EQ(made_http.observed().id().rfind("sgr-", 0), 0u) << made_http.observed().id();
  ASSERT_EQ(made_app.observed().id().rfind("sgr-", 0), 0u) << made_app.observed().id();
  ExpectCarries(http.properties(), made_http.observed().properties());
  ExpectCarries(app.properties(), made_app.observed().properties());

  auto rules = Cli("ec2 describe-security-group-rules --filters Name=group-id,Values=" + tasks);
  bool from_alb = false;
  for (const auto& r : rules["SecurityGroupRules"]) {
    if (r["IsEgress"] == false) {
      from_alb = r["ReferencedGroupInfo"]["GroupId"] == alb && r["FromPort"] == 8000 &&
                 r["SecurityGroupRuleId"] == made_app.observed().id();
    }
  }
  EXPECT_TRUE(from_alb) << rules.dump();

  ExpectAdopted(http, made_http.observed().id());
  ExpectAdopted(app, made_app.observed().id());

  // A rule revoked behind Wharf's back is observed missing and authorized again.
  Cli("ec2 revoke-security-group-ingress --group-id " + alb + " --security-group-rule-ids " +
      made_http.observed().id());
  EXPECT_TRUE(RunOk(v1::OBSERVE, http).observed().id().empty());
  v1::ActionResult restored = RunOk(v1::CREATE, http);
  EXPECT_TRUE(restored.mutated());
  auto alb_rules = Cli("ec2 describe-security-groups --group-ids " + alb);
  const auto& permissions = alb_rules["SecurityGroups"][0]["IpPermissions"];
  ASSERT_EQ(permissions.size(), 1u) << alb_rules.dump();
  EXPECT_EQ(permissions[0]["FromPort"], 80);
  EXPECT_EQ(permissions[0]["IpRanges"][0]["CidrIp"], "0.0.0.0/0");
  ExpectAdopted(http, restored.observed().id());

  // Another description is rewritten in place (same rule id).
  v1::Resource described = Ingress("shop-alb-80", alb, 80, "0.0.0.0/0", "clients");
  v1::ActionResult redescribed = RunOk(v1::UPDATE, described);
  EXPECT_TRUE(redescribed.mutated());
  EXPECT_EQ(redescribed.observed().id(), restored.observed().id());
  alb_rules = Cli("ec2 describe-security-groups --group-ids " + alb);
  EXPECT_EQ(alb_rules["SecurityGroups"][0]["IpPermissions"][0]["IpRanges"][0]["Description"],
            "clients")
      << alb_rules.dump();
  ExpectAdopted(described, restored.observed().id());

  // DELETE revokes only the rule; the default egress rule stays.
  ExpectDeletedTwice(app);
  ExpectDeletedTwice(described);
  auto left = Cli("ec2 describe-security-group-rules --filters Name=group-id,Values=" + tasks);
  ASSERT_EQ(left["SecurityGroupRules"].size(), 1u) << left.dump();
  EXPECT_EQ(left["SecurityGroupRules"][0]["IsEgress"], true);
}

// ---- LOAD_BALANCER ----

class LoadBalancingTest : public NetworkHandlersTest {
 protected:
  void SetUp() override {
    NetworkHandlersTest::SetUp();
    if (HasFatalFailure()) return;
    v1::Resource network = Network();
    vpc_id_ = network.outputs().at("vpc_id");
    subnets_ = Split(network.outputs().at("public_subnet_ids"));
    ASSERT_GE(subnets_.size(), 3u);
    alb_group_ = RunOk(v1::CREATE, SecurityGroup("shop-alb", vpc_id_, "alb")).observed().id();
    ASSERT_FALSE(alb_group_.empty());
  }

  std::string vpc_id_;
  std::vector<std::string> subnets_;
  std::string alb_group_;
};

TEST_F(LoadBalancingTest, LoadBalancerIsCreatedAdoptedCorrectedAndDeleted) {
  v1::Resource desired = LoadBalancer({subnets_[0], subnets_[1]}, {alb_group_});
  EXPECT_TRUE(RunOk(v1::OBSERVE, desired).observed().id().empty());
  v1::ActionResult created = RunOk(v1::CREATE, desired);
  EXPECT_TRUE(created.mutated());
  const std::string arn = created.observed().id();
  const auto& outputs = created.observed().outputs();
  EXPECT_EQ(outputs.at("arn"), arn);
  EXPECT_FALSE(outputs.at("dns_name").empty());
  EXPECT_EQ(outputs.at("arn_suffix").rfind("app/shop/", 0), 0u) << outputs.at("arn_suffix");
  EXPECT_EQ(arn.substr(arn.size() - outputs.at("arn_suffix").size()), outputs.at("arn_suffix"));
  ExpectCarries(desired.properties(), created.observed().properties());
  auto cli = Cli("elbv2 describe-load-balancers --names shop");
  EXPECT_EQ(cli["LoadBalancers"][0]["Scheme"], "internet-facing");
  EXPECT_EQ(cli["LoadBalancers"][0]["SecurityGroups"], nlohmann::json::array({alb_group_}));
  EXPECT_EQ(cli["LoadBalancers"][0]["DNSName"], outputs.at("dns_name"));

  ExpectAdopted(desired, arn);

  // Subnets and tags changed behind Wharf's back are put back; the idle
  // timeout, once the spec sets it, too.
  Cli("elbv2 set-subnets --load-balancer-arn " + arn + " --subnets " + subnets_[1] + " " +
      subnets_[2]);
  Cli("elbv2 remove-tags --resource-arns " + arn + " --tag-keys wharf:app");
  SetNumber(desired.mutable_properties(), "idle_timeout_seconds", 120);
  v1::ActionResult corrected = RunOk(v1::UPDATE, desired);
  EXPECT_TRUE(corrected.mutated());
  cli = Cli("elbv2 describe-load-balancers --names shop");
  std::vector<std::string> zones;
  for (const auto& az : cli["LoadBalancers"][0]["AvailabilityZones"]) {
    zones.push_back(az["SubnetId"]);
  }
  std::sort(zones.begin(), zones.end());
  std::vector<std::string> want = {subnets_[0], subnets_[1]};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(zones, want);
  auto tags = Cli("elbv2 describe-tags --resource-arns " + arn);
  EXPECT_EQ(tags["TagDescriptions"][0]["Tags"].size(), 2u) << tags.dump();
  auto attributes = Cli("elbv2 describe-load-balancer-attributes --load-balancer-arn " + arn);
  std::string idle;
  for (const auto& a : attributes["Attributes"]) {
    if (a["Key"] == "idle_timeout.timeout_seconds") idle = a["Value"];
  }
  EXPECT_EQ(idle, "120") << attributes.dump();
  ExpectAdopted(desired, arn);

  // The scheme cannot change in place.
  ExpectIncompatible(LoadBalancer({subnets_[0], subnets_[1]}, {alb_group_}, "internal"), "scheme");

  ExpectDeletedTwice(desired);
  auto gone = AwsCli("elbv2 describe-load-balancers --names shop");
  EXPECT_NE(gone.exit_code, 0) << gone.output;
}

// ---- TARGET_GROUP and LISTENER ----

TEST_F(LoadBalancingTest, TargetGroupIsCreatedAdoptedCorrectedAndDeletedAfterItsListener) {
  v1::Resource desired = TargetGroup("shop", vpc_id_);
  EXPECT_TRUE(RunOk(v1::OBSERVE, desired).observed().id().empty());
  v1::ActionResult created = RunOk(v1::CREATE, desired);
  EXPECT_TRUE(created.mutated());
  const std::string arn = created.observed().id();
  EXPECT_EQ(created.observed().outputs().at("arn"), arn);
  const std::string suffix = created.observed().outputs().at("arn_suffix");
  EXPECT_EQ(suffix.rfind("targetgroup/shop/", 0), 0u) << suffix;
  EXPECT_EQ(arn.substr(arn.size() - suffix.size()), suffix);
  ExpectCarries(desired.properties(), created.observed().properties());

  auto cli = Cli("elbv2 describe-target-groups --names shop");
  const auto& g = cli["TargetGroups"][0];
  EXPECT_EQ(g["Port"], 8000);
  EXPECT_EQ(g["TargetType"], "ip");
  EXPECT_EQ(g["HealthCheckIntervalSeconds"], 10);
  EXPECT_EQ(g["HealthyThresholdCount"], 2);
  EXPECT_EQ(g["UnhealthyThresholdCount"], 3);
  EXPECT_EQ(g["Matcher"]["HttpCode"], "200-399");
  auto delay = [&] {
    auto attributes = Cli("elbv2 describe-target-group-attributes --target-group-arn " + arn);
    for (const auto& a : attributes["Attributes"]) {
      if (a["Key"] == "deregistration_delay.timeout_seconds") return a["Value"].get<std::string>();
    }
    return std::string();
  };
  EXPECT_EQ(delay(), "15");

  ExpectAdopted(desired, arn);

  // Health check and deregistration delay changed behind Wharf's back are
  // put back.
  Cli("elbv2 modify-target-group --target-group-arn " + arn +
      " --health-check-path /other --healthy-threshold-count 5");
  Cli("elbv2 modify-target-group-attributes --target-group-arn " + arn +
      " --attributes Key=deregistration_delay.timeout_seconds,Value=300");
  v1::ActionResult corrected = RunOk(v1::UPDATE, desired);
  EXPECT_TRUE(corrected.mutated());
  cli = Cli("elbv2 describe-target-groups --names shop");
  EXPECT_EQ(cli["TargetGroups"][0]["HealthCheckPath"], "/");
  EXPECT_EQ(cli["TargetGroups"][0]["HealthyThresholdCount"], 2);
  EXPECT_EQ(delay(), "15");
  ExpectAdopted(desired, arn);

  // Port and target type cannot change in place.
  ExpectIncompatible(TargetGroup("shop", vpc_id_, 9000), "port");

  // Still used by a listener: DELETE is retryable; after the listener it works.
  v1::ActionResult lb = RunOk(v1::CREATE, LoadBalancer({subnets_[0], subnets_[1]}, {alb_group_}));
  v1::Resource listener = Listener(lb.observed().id(), arn);
  RunOk(v1::CREATE, listener);
  v1::ActionResult in_use = Run(v1::DELETE, desired);
  EXPECT_EQ(in_use.outcome(), v1::FAILED_RETRYABLE);
  EXPECT_EQ(in_use.error().code(), "ResourceInUse");
  ExpectDeletedTwice(listener);
  ExpectDeletedTwice(desired);
  auto gone = AwsCli("elbv2 describe-target-groups --names shop");
  EXPECT_NE(gone.exit_code, 0) << gone.output;
}

TEST_F(LoadBalancingTest, ListenerForwardsToItsTargetGroupAndIsRestoredWhenChanged) {
  const std::string lb =
      RunOk(v1::CREATE, LoadBalancer({subnets_[0], subnets_[1]}, {alb_group_})).observed().id();
  const std::string blue = RunOk(v1::CREATE, TargetGroup("shop-blue", vpc_id_)).observed().id();
  const std::string green = RunOk(v1::CREATE, TargetGroup("shop-green", vpc_id_)).observed().id();
  v1::Resource desired = Listener(lb, blue);
  EXPECT_TRUE(RunOk(v1::OBSERVE, desired).observed().id().empty());

  v1::ActionResult created = RunOk(v1::CREATE, desired);
  EXPECT_TRUE(created.mutated());
  const std::string arn = created.observed().id();
  EXPECT_EQ(created.observed().outputs().at("arn"), arn);
  ExpectCarries(desired.properties(), created.observed().properties());
  auto forward_target = [&] {
    auto cli = Cli("elbv2 describe-listeners --listener-arns " + arn);
    const auto& action = cli["Listeners"][0]["DefaultActions"][0];
    EXPECT_EQ(cli["Listeners"][0]["Port"], 80);
    return action.value("TargetGroupArn", std::string());
  };
  EXPECT_EQ(forward_target(), blue);

  ExpectAdopted(desired, arn);

  // Another default action set with the CLI is restored.
  Cli("elbv2 modify-listener --listener-arn " + arn +
      " --default-actions Type=forward,TargetGroupArn=" + green);
  EXPECT_EQ(forward_target(), green);
  v1::ActionResult restored = RunOk(v1::UPDATE, desired);
  EXPECT_TRUE(restored.mutated());
  EXPECT_EQ(restored.observed().id(), arn);
  EXPECT_EQ(forward_target(), blue);
  ExpectAdopted(desired, arn);

  // A fixed response instead of the forward is restored too.
  Cli("elbv2 modify-listener --listener-arn " + arn +
      " --default-actions 'Type=fixed-response,FixedResponseConfig={StatusCode=503}'");
  EXPECT_TRUE(RunOk(v1::CREATE, desired).mutated());
  EXPECT_EQ(forward_target(), blue);

  ExpectDeletedTwice(desired);
  auto listeners = Cli("elbv2 describe-listeners --load-balancer-arn " + lb);
  EXPECT_TRUE(listeners["Listeners"].empty()) << listeners.dump();
}

}  // namespace
}  // namespace wharf::executors
