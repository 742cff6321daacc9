// Elbv2Client against the local cloud (localcloud/).
#include "common/aws/elbv2_client.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/aws/ec2_client.h"
#include "tests/common/aws/query_local_cloud_fixture.h"

namespace wharf::aws {
namespace {

using Tags = std::map<std::string, std::string>;

class Elbv2ClientLocalCloudTest : public test::QueryLocalCloudTest {
 protected:
  void SetUp() override {
    test::QueryLocalCloudTest::SetUp();
    if (HasFatalFailure()) return;
    elb_ = std::make_unique<Elbv2Client>(*client_);
    Ec2Client ec2(*client_);
    auto subnets = Call<std::vector<Ec2Subnet>>([&](auto done) {
      ec2.DescribeSubnets({.filters = {{"default-for-az", {"true"}}}}, done);
    });
    ASSERT_TRUE(subnets.ok()) << subnets.status().ToString();
    ASSERT_GE(subnets->size(), 2u);
    vpc_id_ = subnets.value()[0].vpc_id;
    subnets_ = {subnets.value()[0].id, subnets.value()[1].id};
  }

  void TearDown() override {
    elb_.reset();
    test::QueryLocalCloudTest::TearDown();
  }

  Outcome<Elbv2LoadBalancer> CreateLoadBalancer(const std::string& name, const Tags& tags = {}) {
    return Call<Elbv2LoadBalancer>([&](auto done) {
      elb_->CreateLoadBalancer({.name = name,
                                .subnets = subnets_,
                                .scheme = "internet-facing",
                                .type = "application",
                                .tags = tags},
                               done);
    });
  }

  Outcome<Elbv2TargetGroup> CreateTargetGroup(const std::string& name) {
    Elbv2CreateTargetGroupRequest request{
        .name = name, .protocol = "HTTP", .port = 8080, .vpc_id = vpc_id_, .target_type = "ip"};
    request.health_check = {.path = "/health",
                            .interval_seconds = 10,
                            .healthy_threshold_count = 2,
                            .matcher_http_code = "200-299"};
    request.tags = {{"app", "shop"}};
    return Call<Elbv2TargetGroup>([&](auto done) { elb_->CreateTargetGroup(request, done); });
  }

  static Elbv2Action WeightedForward(const std::string& blue, int64_t blue_weight,
                                     const std::string& green, int64_t green_weight) {
    Elbv2Action action{.type = "forward"};
    action.forward_config =
        Elbv2ForwardConfig{.target_groups = {{blue, blue_weight}, {green, green_weight}}};
    return action;
  }

  Outcome<Elbv2Listener> CreateListener(const std::string& lb_arn, Elbv2Action action) {
    return Call<Elbv2Listener>([&](auto done) {
      elb_->CreateListener({.load_balancer_arn = lb_arn,
                            .protocol = "HTTP",
                            .port = 80,
                            .default_actions = {std::move(action)}},
                           done);
    });
  }

  Outcome<std::vector<Elbv2TargetHealthDescription>> Health(const std::string& tg_arn) {
    return Call<std::vector<Elbv2TargetHealthDescription>>(
        [&](auto done) { elb_->DescribeTargetHealth(tg_arn, {}, done); });
  }

  std::unique_ptr<Elbv2Client> elb_;
  std::string vpc_id_;
  std::vector<std::string> subnets_;
};

// Weights of a forward action, by target group ARN.
std::map<std::string, int64_t> Weights(const Elbv2Action& action) {
  std::map<std::string, int64_t> weights;
  if (!action.forward_config) return weights;
  for (const auto& t : action.forward_config->target_groups) {
    weights[t.target_group_arn] = t.weight.value_or(-1);
  }
  return weights;
}

TEST_F(Elbv2ClientLocalCloudTest, BlueGreenLoadBalancerRoundTrip) {
  auto lb = CreateLoadBalancer("web", {{"app", "shop"}});
  ASSERT_TRUE(lb.ok()) << lb.status().ToString();
  EXPECT_EQ(lb->name, "web");
  EXPECT_EQ(lb->scheme, "internet-facing");
  EXPECT_EQ(lb->type, "application");
  EXPECT_EQ(lb->vpc_id, vpc_id_);
  EXPECT_FALSE(lb->dns_name.empty());
  EXPECT_EQ(lb->availability_zones.size(), 2u);

  auto blue = CreateTargetGroup("web-blue");
  ASSERT_TRUE(blue.ok()) << blue.status().ToString();
  EXPECT_EQ(blue->target_type, "ip");
  EXPECT_EQ(blue->port, 8080);
  EXPECT_EQ(blue->health_check.path, "/health");
  EXPECT_EQ(blue->health_check.interval_seconds, 10);
  EXPECT_EQ(blue->health_check.healthy_threshold_count, 2);
  EXPECT_EQ(blue->health_check.matcher_http_code, "200-299");
  EXPECT_EQ(blue->health_check.port, "traffic-port");  // AWS's default, reported
  auto green = CreateTargetGroup("web-green");
  ASSERT_TRUE(green.ok()) << green.status().ToString();

  // All traffic to blue, then 80% to green.
  auto listener = CreateListener(lb->arn, WeightedForward(blue->arn, 100, green->arn, 0));
  ASSERT_TRUE(listener.ok()) << listener.status().ToString();
  EXPECT_EQ(listener->port, 80);
  ASSERT_EQ(listener->default_actions.size(), 1u);
  EXPECT_EQ(Weights(listener->default_actions[0]),
            (std::map<std::string, int64_t>{{blue->arn, 100}, {green->arn, 0}}));

  auto shifted = Call<Elbv2Listener>([&](auto done) {
    elb_->ModifyListener({.listener_arn = listener->arn,
                          .default_actions = {WeightedForward(blue->arn, 20, green->arn, 80)}},
                         done);
  });
  ASSERT_TRUE(shifted.ok()) << shifted.status().ToString();
  auto listeners = Call<std::vector<Elbv2Listener>>(
      [&](auto done) { elb_->DescribeListeners({.load_balancer_arn = lb->arn}, done); });
  ASSERT_TRUE(listeners.ok()) << listeners.status().ToString();
  ASSERT_EQ(listeners->size(), 1u);
  EXPECT_EQ(listeners.value()[0].arn, listener->arn);
  EXPECT_EQ(Weights(listeners.value()[0].default_actions[0]),
            (std::map<std::string, int64_t>{{blue->arn, 20}, {green->arn, 80}}));

  // Both groups now belong to the load balancer.
  auto groups = Call<std::vector<Elbv2TargetGroup>>(
      [&](auto done) { elb_->DescribeTargetGroups({.load_balancer_arn = lb->arn}, done); });
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  ASSERT_EQ(groups->size(), 2u);
  for (const Elbv2TargetGroup& g : groups.value()) {
    EXPECT_EQ(g.load_balancer_arns, std::vector<std::string>{lb->arn});
  }

  // Health check and attributes of green.
  auto modified = Call<Elbv2TargetGroup>([&](auto done) {
    elb_->ModifyTargetGroup(green->arn, {.path = "/ping", .interval_seconds = 15}, done);
  });
  ASSERT_TRUE(modified.ok()) << modified.status().ToString();
  EXPECT_EQ(modified->health_check.path, "/ping");
  EXPECT_EQ(modified->health_check.interval_seconds, 15);
  EXPECT_EQ(modified->health_check.healthy_threshold_count, 2);  // kept
  auto attributes =
      Call<Tags>([&](auto done) { elb_->DescribeTargetGroupAttributes(green->arn, done); });
  ASSERT_TRUE(attributes.ok()) << attributes.status().ToString();
  EXPECT_EQ(attributes->at("deregistration_delay.timeout_seconds"), "300");
  ASSERT_TRUE(Call<Tags>([&](auto done) {
                elb_->ModifyTargetGroupAttributes(
                    green->arn, {{"deregistration_delay.timeout_seconds", "30"}}, done);
              }).ok());
  attributes =
      Call<Tags>([&](auto done) { elb_->DescribeTargetGroupAttributes(green->arn, done); });
  ASSERT_TRUE(attributes.ok()) << attributes.status().ToString();
  EXPECT_EQ(attributes->at("deregistration_delay.timeout_seconds"), "30");

  // Tags: adoption finds Wharf's resources by tag.
  ASSERT_TRUE(Call<bool>([&](auto done) {
                elb_->AddTags({lb->arn, green->arn}, {{"wharf:app", "web"}}, done);
              }).ok());
  ASSERT_TRUE(Call<bool>([&](auto done) { elb_->RemoveTags({green->arn}, {"app"}, done); }).ok());
  auto tags = Call<std::map<std::string, Tags>>([&](auto done) {
    elb_->DescribeTags({lb->arn, blue->arn, green->arn}, done);
  });
  ASSERT_TRUE(tags.ok()) << tags.status().ToString();
  EXPECT_EQ(tags->at(lb->arn), (Tags{{"app", "shop"}, {"wharf:app", "web"}}));
  EXPECT_EQ(tags->at(blue->arn), (Tags{{"app", "shop"}}));
  EXPECT_EQ(tags->at(green->arn), (Tags{{"wharf:app", "web"}}));

  // The AWS CLI sees the weights.
  auto cli = AwsCli("elbv2 describe-listeners --listener-arns " + listener->arn);
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  auto parsed = nlohmann::json::parse(cli.output, nullptr, false);
  ASSERT_TRUE(parsed.is_object()) << cli.output;
  auto cli_groups = parsed["Listeners"][0]["DefaultActions"][0]["ForwardConfig"]["TargetGroups"];
  ASSERT_EQ(cli_groups.size(), 2u) << cli.output;

  // A fixed response instead (maintenance), then tear everything down.
  auto fixed = Call<Elbv2Listener>([&](auto done) {
    elb_->ModifyListener(
        {.listener_arn = listener->arn,
         .default_actions = {{.type = "fixed-response",
                              .fixed_response =
                                  Elbv2FixedResponseConfig{"503", "text/plain", "down"}}}},
        done);
  });
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  ASSERT_TRUE(fixed->default_actions[0].fixed_response.has_value());
  EXPECT_EQ(fixed->default_actions[0].fixed_response->message_body, "down");
  EXPECT_FALSE(fixed->default_actions[0].forward_config.has_value());

  ASSERT_TRUE(Call<bool>([&](auto done) { elb_->DeleteListener(listener->arn, done); }).ok());
  ASSERT_TRUE(Call<bool>([&](auto done) { elb_->DeleteTargetGroup(blue->arn, done); }).ok());
  ASSERT_TRUE(Call<bool>([&](auto done) { elb_->DeleteTargetGroup(green->arn, done); }).ok());
  ASSERT_TRUE(Call<bool>([&](auto done) { elb_->DeleteLoadBalancer(lb->arn, done); }).ok());
  auto gone = Call<std::vector<Elbv2LoadBalancer>>(
      [&](auto done) { elb_->DescribeLoadBalancers({.names = {"web"}}, done); });
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code(), "LoadBalancerNotFound");
  EXPECT_EQ(gone.status().code(), Status::Code::kNotFound);
  auto no_groups =
      Call<std::vector<Elbv2TargetGroup>>([&](auto done) { elb_->DescribeTargetGroups({}, done); });
  ASSERT_TRUE(no_groups.ok()) << no_groups.status().ToString();
  EXPECT_TRUE(no_groups->empty());
}

TEST_F(Elbv2ClientLocalCloudTest, LoadBalancerSubnetsSecurityGroupsAndAttributesChangeInPlace) {
  Ec2Client ec2(*client_);
  auto subnets = Call<std::vector<Ec2Subnet>>([&](auto done) {
    ec2.DescribeSubnets({.filters = {{"default-for-az", {"true"}}}}, done);
  });
  ASSERT_TRUE(subnets.ok()) << subnets.status().ToString();
  ASSERT_GE(subnets->size(), 3u);
  auto group = Call<Ec2CreateSecurityGroupResult>([&](auto done) {
    ec2.CreateSecurityGroup({"web-lb", "web load balancer", vpc_id_, {}}, done);
  });
  ASSERT_TRUE(group.ok()) << group.status().ToString();
  auto lb = CreateLoadBalancer("web");
  ASSERT_TRUE(lb.ok()) << lb.status().ToString();

  const std::vector<std::string> moved = {subnets.value()[1].id, subnets.value()[2].id};
  auto zones = Call<std::vector<Elbv2AvailabilityZone>>(
      [&](auto done) { elb_->SetSubnets(lb->arn, moved, done); });
  ASSERT_TRUE(zones.ok()) << zones.status().ToString();
  ASSERT_EQ(zones->size(), 2u);
  auto set_groups = Call<std::vector<std::string>>(
      [&](auto done) { elb_->SetSecurityGroups(lb->arn, {group->group_id}, done); });
  ASSERT_TRUE(set_groups.ok()) << set_groups.status().ToString();

  auto modified = Call<Tags>([&](auto done) {
    elb_->ModifyLoadBalancerAttributes(lb->arn, {{"idle_timeout.timeout_seconds", "120"}}, done);
  });
  ASSERT_TRUE(modified.ok()) << modified.status().ToString();
  auto attributes =
      Call<Tags>([&](auto done) { elb_->DescribeLoadBalancerAttributes(lb->arn, done); });
  ASSERT_TRUE(attributes.ok()) << attributes.status().ToString();
  EXPECT_EQ(attributes->at("idle_timeout.timeout_seconds"), "120");

  // The AWS CLI sees the new subnets and group.
  auto cli = AwsCli("elbv2 describe-load-balancers --names web");
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  auto parsed = nlohmann::json::parse(cli.output, nullptr, false);
  ASSERT_TRUE(parsed.is_object()) << cli.output;
  std::vector<std::string> cli_subnets;
  for (const auto& az : parsed["LoadBalancers"][0]["AvailabilityZones"]) {
    cli_subnets.push_back(az["SubnetId"]);
  }
  std::sort(cli_subnets.begin(), cli_subnets.end());
  std::vector<std::string> want = moved;
  std::sort(want.begin(), want.end());
  EXPECT_EQ(cli_subnets, want) << cli.output;
  EXPECT_EQ(parsed["LoadBalancers"][0]["SecurityGroups"], nlohmann::json::array({group->group_id}))
      << cli.output;

  // One availability zone is not enough.
  auto one_zone = Call<std::vector<Elbv2AvailabilityZone>>(
      [&](auto done) { elb_->SetSubnets(lb->arn, {subnets.value()[0].id}, done); });
  ASSERT_FALSE(one_zone.ok());
  EXPECT_EQ(one_zone.error().code(), "InvalidConfigurationRequest");
}

TEST_F(Elbv2ClientLocalCloudTest, RulesAndLoadBalancersArePagedThrough) {
  for (const char* name : {"a", "b", "c"}) ASSERT_TRUE(CreateLoadBalancer(name).ok());
  auto lbs = Call<std::vector<Elbv2LoadBalancer>>(
      [&](auto done) { elb_->DescribeLoadBalancers({.page_size = 1}, done); });
  ASSERT_TRUE(lbs.ok()) << lbs.status().ToString();
  ASSERT_EQ(lbs->size(), 3u);
  EXPECT_EQ(lbs.value()[0].name, "a");
  EXPECT_EQ(lbs.value()[2].name, "c");

  auto tg = CreateTargetGroup("api");
  ASSERT_TRUE(tg.ok()) << tg.status().ToString();
  auto listener = CreateListener(
      lbs.value()[0].arn,
      {.type = "fixed-response", .fixed_response = Elbv2FixedResponseConfig{"404", "", ""}});
  ASSERT_TRUE(listener.ok()) << listener.status().ToString();
  std::vector<std::string> created;
  for (int i = 1; i <= 5; ++i) {
    Elbv2CreateRuleRequest rule{.listener_arn = listener->arn, .priority = i * 10};
    rule.conditions = {{.field = "path-pattern", .values = {"/v" + std::to_string(i) + "/*"}}};
    if (i == 5) rule.conditions.push_back({.field = "host-header", .values = {"api.example.com"}});
    rule.actions = {{.type = "forward", .target_group_arn = tg->arn}};
    auto r = Call<Elbv2Rule>([&](auto done) { elb_->CreateRule(rule, done); });
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->priority, std::to_string(i * 10));
    created.push_back(r->arn);
  }
  auto rules = Call<std::vector<Elbv2Rule>>([&](auto done) {
    elb_->DescribeRules({.listener_arn = listener->arn, .page_size = 2}, done);
  });
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  ASSERT_EQ(rules->size(), 6u);  // five and the default rule
  int defaults = 0;
  for (const Elbv2Rule& r : rules.value()) {
    if (r.is_default) {
      ++defaults;
      EXPECT_EQ(r.priority, "default");
      continue;
    }
    ASSERT_EQ(r.actions.size(), 1u);
    EXPECT_EQ(r.actions[0].target_group_arn, tg->arn);
    ASSERT_FALSE(r.conditions.empty());
    EXPECT_EQ(r.conditions[0].field, "path-pattern");
    EXPECT_EQ(r.conditions[0].values.size(), 1u);
    if (r.arn == created[4]) {
      ASSERT_EQ(r.conditions.size(), 2u);
      EXPECT_EQ(r.conditions[1].values, std::vector<std::string>{"api.example.com"});
    }
  }
  EXPECT_EQ(defaults, 1);

  // Canary on one path: 90/10 between two groups, in place.
  auto canary = CreateTargetGroup("api-canary");
  ASSERT_TRUE(canary.ok()) << canary.status().ToString();
  auto modified = Call<Elbv2Rule>([&](auto done) {
    elb_->ModifyRule(
        {.rule_arn = created[1], .actions = {WeightedForward(tg->arn, 90, canary->arn, 10)}}, done);
  });
  ASSERT_TRUE(modified.ok()) << modified.status().ToString();
  EXPECT_EQ(modified->arn, created[1]);
  EXPECT_EQ(modified->priority, "20");
  ASSERT_EQ(modified->conditions.size(), 1u);  // kept
  EXPECT_EQ(modified->conditions[0].values, std::vector<std::string>{"/v2/*"});
  ASSERT_EQ(modified->actions.size(), 1u);
  EXPECT_EQ(Weights(modified->actions[0]),
            (std::map<std::string, int64_t>{{tg->arn, 90}, {canary->arn, 10}}));

  ASSERT_TRUE(Call<bool>([&](auto done) { elb_->DeleteRule(created[0], done); }).ok());
  rules = Call<std::vector<Elbv2Rule>>(
      [&](auto done) { elb_->DescribeRules({.listener_arn = listener->arn}, done); });
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  EXPECT_EQ(rules->size(), 5u);
}

TEST_F(Elbv2ClientLocalCloudTest, TargetsRegisterTurnHealthyAndDrain) {
  auto lb = CreateLoadBalancer("web");
  ASSERT_TRUE(lb.ok()) << lb.status().ToString();
  auto tg = CreateTargetGroup("web-blue");
  ASSERT_TRUE(tg.ok()) << tg.status().ToString();
  ASSERT_TRUE(CreateListener(lb->arn, {.type = "forward", .target_group_arn = tg->arn}).ok());

  ASSERT_TRUE(Call<bool>([&](auto done) {
                elb_->RegisterTargets(
                    tg->arn,
                    {{.id = "172.31.0.10", .port = 8080}, {.id = "172.31.0.11", .port = 8080}},
                    done);
              }).ok());
  auto initial = Health(tg->arn);
  ASSERT_TRUE(initial.ok()) << initial.status().ToString();
  ASSERT_EQ(initial->size(), 2u);
  for (const auto& d : initial.value()) {
    EXPECT_EQ(d.state, "initial");
    EXPECT_EQ(d.reason, "Elb.RegistrationInProgress");
    EXPECT_EQ(d.target.port, 8080);
  }

  // Two passing checks 10 s apart (the group's settings) make them healthy.
  ControlOk("clock", {{"advance_seconds", 60}});
  auto healthy = Health(tg->arn);
  ASSERT_TRUE(healthy.ok()) << healthy.status().ToString();
  for (const auto& d : healthy.value()) EXPECT_EQ(d.state, "healthy") << d.target.id;

  ASSERT_TRUE(Call<bool>([&](auto done) {
                elb_->DeregisterTargets(tg->arn, {{.id = "172.31.0.10", .port = 8080}}, done);
              }).ok());
  auto draining = Call<std::vector<Elbv2TargetHealthDescription>>([&](auto done) {
    elb_->DescribeTargetHealth(tg->arn, {{.id = "172.31.0.10", .port = 8080}}, done);
  });
  ASSERT_TRUE(draining.ok()) << draining.status().ToString();
  ASSERT_EQ(draining->size(), 1u);
  EXPECT_EQ(draining.value()[0].state, "draining");
  EXPECT_EQ(draining.value()[0].reason, "Target.DeregistrationInProgress");
}

TEST_F(Elbv2ClientLocalCloudTest, ErrorsAreTyped) {
  auto unknown = Call<bool>([&](auto done) {
    elb_->DeleteTargetGroup(
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/none/0123456789abcdef",
        done);
  });
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), "TargetGroupNotFound");
  EXPECT_EQ(unknown.error().service(), "elasticloadbalancing");
  EXPECT_FALSE(unknown.error().request_id().empty());
  EXPECT_EQ(unknown.status().code(), Status::Code::kNotFound);

  ASSERT_TRUE(CreateTargetGroup("dup").ok());
  auto duplicate = CreateTargetGroup("dup");
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code(), "DuplicateTargetGroupName");
  EXPECT_FALSE(duplicate.error().retryable());

  auto listeners = Call<std::vector<Elbv2Listener>>([&](auto done) {
    elb_->DescribeListeners(
        {.arns = {"arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/1/2"}}, done);
  });
  ASSERT_FALSE(listeners.ok());
  EXPECT_EQ(listeners.error().code(), "ListenerNotFound");
  EXPECT_EQ(listeners.status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace wharf::aws
