// Elbv2Client's request encoding and response parsing, against canned XML.
#include "common/aws/elbv2_client.h"

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/common/aws/query_client_test_fixture.h"

namespace wharf::aws {
namespace {

using test::QueryClientTest;
using test::Sorted;

std::string ElbResponse(const std::string& operation, const std::string& result) {
  return "<" + operation +
         "Response xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\"><" +
         operation + "Result>" + result + "</" + operation +
         "Result><ResponseMetadata><RequestId>elb-req</RequestId></ResponseMetadata></" +
         operation + "Response>";
}

class Elbv2ClientTest : public QueryClientTest {
 protected:
  Elbv2Client elb_{*client_};
};

// The expected parameters are what botocore serializes for the same request.
TEST_F(Elbv2ClientTest, CreateListenerEncodesAWeightedForward) {
  Elbv2CreateListenerRequest request;
  request.load_balancer_arn = "arn:lb";
  request.protocol = "HTTPS";
  request.port = 443;
  request.ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06";
  request.certificate_arns = {"arn:cert"};
  Elbv2Action forward{.type = "forward"};
  forward.forward_config =
      Elbv2ForwardConfig{.target_groups = {{"arn:tg/blue", 90}, {"arn:tg/green", 10}},
                         .stickiness_enabled = true,
                         .stickiness_duration_seconds = 300};
  request.default_actions = {forward};
  request.tags = {{"app", "shop"}};
  EXPECT_EQ(
      Sorted(Elbv2Client::CreateListenerParams(request)),
      Sorted({{"LoadBalancerArn", "arn:lb"},
              {"Protocol", "HTTPS"},
              {"Port", "443"},
              {"SslPolicy", "ELBSecurityPolicy-TLS13-1-2-2021-06"},
              {"Certificates.member.1.CertificateArn", "arn:cert"},
              {"DefaultActions.member.1.Type", "forward"},
              {"DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn",
               "arn:tg/blue"},
              {"DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight", "90"},
              {"DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn",
               "arn:tg/green"},
              {"DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.Weight", "10"},
              {"DefaultActions.member.1.ForwardConfig.TargetGroupStickinessConfig.Enabled", "true"},
              {"DefaultActions.member.1.ForwardConfig.TargetGroupStickinessConfig."
               "DurationSeconds",
               "300"},
              {"Tags.member.1.Key", "app"},
              {"Tags.member.1.Value", "shop"}}));
}

TEST_F(Elbv2ClientTest, CreateTargetGroupAndRuleEncoding) {
  Elbv2CreateTargetGroupRequest tg{
      .name = "web-blue", .protocol = "HTTP", .port = 8080, .vpc_id = "vpc-1", .target_type = "ip"};
  tg.health_check = {.enabled = true,
                     .path = "/health",
                     .interval_seconds = 10,
                     .timeout_seconds = 5,
                     .healthy_threshold_count = 2,
                     .unhealthy_threshold_count = 3,
                     .matcher_http_code = "200-299"};
  tg.tags = {{"app", "shop"}};
  EXPECT_EQ(Sorted(Elbv2Client::CreateTargetGroupParams(tg)),
            Sorted({{"Name", "web-blue"},
                    {"Protocol", "HTTP"},
                    {"Port", "8080"},
                    {"VpcId", "vpc-1"},
                    {"TargetType", "ip"},
                    {"HealthCheckEnabled", "true"},
                    {"HealthCheckPath", "/health"},
                    {"HealthCheckIntervalSeconds", "10"},
                    {"HealthCheckTimeoutSeconds", "5"},
                    {"HealthyThresholdCount", "2"},
                    {"UnhealthyThresholdCount", "3"},
                    {"Matcher.HttpCode", "200-299"},
                    {"Tags.member.1.Key", "app"},
                    {"Tags.member.1.Value", "shop"}}));

  Elbv2CreateRuleRequest rule{.listener_arn = "arn:l", .priority = 10};
  rule.conditions = {{.field = "path-pattern", .values = {"/api/*"}},
                     {.field = "http-header", .values = {"1"}, .http_header_name = "X-Canary"},
                     {.field = "query-string", .query_string = {{"v", "2"}}}};
  rule.actions = {{.type = "fixed-response",
                   .fixed_response = Elbv2FixedResponseConfig{"503", "text/plain", "down"}}};
  EXPECT_EQ(Sorted(Elbv2Client::CreateRuleParams(rule)),
            Sorted({{"ListenerArn", "arn:l"},
                    {"Priority", "10"},
                    {"Conditions.member.1.Field", "path-pattern"},
                    {"Conditions.member.1.PathPatternConfig.Values.member.1", "/api/*"},
                    {"Conditions.member.2.Field", "http-header"},
                    {"Conditions.member.2.HttpHeaderConfig.HttpHeaderName", "X-Canary"},
                    {"Conditions.member.2.HttpHeaderConfig.Values.member.1", "1"},
                    {"Conditions.member.3.Field", "query-string"},
                    {"Conditions.member.3.QueryStringConfig.Values.member.1.Key", "v"},
                    {"Conditions.member.3.QueryStringConfig.Values.member.1.Value", "2"},
                    {"Actions.member.1.Type", "fixed-response"},
                    {"Actions.member.1.FixedResponseConfig.StatusCode", "503"},
                    {"Actions.member.1.FixedResponseConfig.ContentType", "text/plain"},
                    {"Actions.member.1.FixedResponseConfig.MessageBody", "down"}}));
}

TEST_F(Elbv2ClientTest, ModifyRuleSendsOnlyWhatChanges) {
  Respond(ElbResponse("ModifyRule",
                      "<Rules><member><RuleArn>arn:r</RuleArn><Priority>5</Priority>"
                      "<Actions><member><Type>forward</Type><ForwardConfig><TargetGroups>"
                      "<member><TargetGroupArn>arn:a</TargetGroupArn><Weight>1</Weight></member>"
                      "</TargetGroups></ForwardConfig></member></Actions></member></Rules>"));
  Elbv2Action forward{.type = "forward"};
  forward.forward_config = Elbv2ForwardConfig{.target_groups = {{"arn:a", 1}}};
  auto rule = Call<Elbv2Rule>(
      [&](auto done) { elb_.ModifyRule({.rule_arn = "arn:r", .actions = {forward}}, done); });
  ASSERT_TRUE(rule.ok()) << rule.status().ToString();
  EXPECT_EQ(rule->priority, "5");
  EXPECT_EQ(
      SentArguments(),
      (QueryParams{{"RuleArn", "arn:r"},
                   {"Actions.member.1.Type", "forward"},
                   {"Actions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn", "arn:a"},
                   {"Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight", "1"}}));
}

TEST_F(Elbv2ClientTest, ParsesListenersWithEveryActionKind) {
  Respond(ElbResponse("DescribeListeners", R"(<Listeners>
      <member>
        <ListenerArn>arn:l1</ListenerArn><LoadBalancerArn>arn:lb</LoadBalancerArn>
        <Port>443</Port><Protocol>HTTPS</Protocol><SslPolicy>p</SslPolicy>
        <Certificates><member><CertificateArn>arn:cert</CertificateArn></member></Certificates>
        <DefaultActions>
          <member><Type>forward</Type><Order>1</Order><TargetGroupArn>arn:tg/blue</TargetGroupArn>
            <ForwardConfig><TargetGroups>
              <member><TargetGroupArn>arn:tg/blue</TargetGroupArn><Weight>100</Weight></member>
              <member><TargetGroupArn>arn:tg/green</TargetGroupArn><Weight>0</Weight></member>
            </TargetGroups><TargetGroupStickinessConfig><Enabled>false</Enabled>
            </TargetGroupStickinessConfig></ForwardConfig></member>
        </DefaultActions>
        <AlpnPolicy/>
      </member>
      <member>
        <ListenerArn>arn:l2</ListenerArn><Port>80</Port><Protocol>HTTP</Protocol>
        <DefaultActions>
          <member><Type>redirect</Type><RedirectConfig><Protocol>HTTPS</Protocol>
            <Port>443</Port><StatusCode>HTTP_301</StatusCode></RedirectConfig></member>
        </DefaultActions>
      </member>
      <member>
        <ListenerArn>arn:l3</ListenerArn>
        <DefaultActions><member><Type>fixed-response</Type><FixedResponseConfig>
          <StatusCode>404</StatusCode></FixedResponseConfig></member></DefaultActions>
      </member>
    </Listeners>)"));
  auto listeners = Call<std::vector<Elbv2Listener>>(
      [&](auto done) { elb_.DescribeListeners({.load_balancer_arn = "arn:lb"}, done); });
  ASSERT_TRUE(listeners.ok()) << listeners.status().ToString();
  ASSERT_EQ(listeners->size(), 3u);
  const Elbv2Listener& https = listeners.value()[0];
  EXPECT_EQ(https.port, 443);
  EXPECT_EQ(https.certificate_arns, std::vector<std::string>{"arn:cert"});
  ASSERT_EQ(https.default_actions.size(), 1u);
  const Elbv2Action& forward = https.default_actions[0];
  EXPECT_EQ(forward.type, "forward");
  EXPECT_EQ(forward.order, 1);
  ASSERT_TRUE(forward.forward_config.has_value());
  ASSERT_EQ(forward.forward_config->target_groups.size(), 2u);
  EXPECT_EQ(forward.forward_config->target_groups[1].target_group_arn, "arn:tg/green");
  EXPECT_EQ(forward.forward_config->target_groups[1].weight, 0);
  EXPECT_EQ(forward.forward_config->stickiness_enabled, false);
  EXPECT_FALSE(forward.forward_config->stickiness_duration_seconds.has_value());
  EXPECT_FALSE(forward.fixed_response.has_value());

  const Elbv2Action& redirect = listeners.value()[1].default_actions[0];
  ASSERT_TRUE(redirect.redirect.has_value());
  EXPECT_EQ(redirect.redirect->status_code, "HTTP_301");
  EXPECT_EQ(redirect.redirect->port, "443");
  EXPECT_EQ(redirect.redirect->host, "");
  EXPECT_EQ(listeners.value()[1].load_balancer_arn, "");  // missing: empty

  const Elbv2Listener& bare = listeners.value()[2];
  EXPECT_FALSE(bare.port.has_value());
  ASSERT_TRUE(bare.default_actions[0].fixed_response.has_value());
  EXPECT_EQ(bare.default_actions[0].fixed_response->status_code, "404");
  EXPECT_EQ(bare.default_actions[0].fixed_response->message_body, "");
  EXPECT_EQ(SentArguments(), (QueryParams{{"LoadBalancerArn", "arn:lb"}}));
}

TEST_F(Elbv2ClientTest, DescribeLoadBalancersFollowsNextMarker) {
  Respond(ElbResponse("DescribeLoadBalancers",
                      "<LoadBalancers><member><LoadBalancerArn>arn:1</LoadBalancerArn>"
                      "<LoadBalancerName>a</LoadBalancerName><State><Code>active</Code></State>"
                      "<AvailabilityZones><member><ZoneName>us-east-1a</ZoneName>"
                      "<SubnetId>subnet-1</SubnetId></member></AvailabilityZones>"
                      "<SecurityGroups><member>sg-1</member></SecurityGroups>"
                      "</member></LoadBalancers><NextMarker>a</NextMarker>"));
  Respond(ElbResponse("DescribeLoadBalancers",
                      "<LoadBalancers><member><LoadBalancerArn>arn:2</LoadBalancerArn>"
                      "</member></LoadBalancers>"));
  auto lbs = Call<std::vector<Elbv2LoadBalancer>>(
      [&](auto done) { elb_.DescribeLoadBalancers({.page_size = 1}, done); });
  ASSERT_TRUE(lbs.ok()) << lbs.status().ToString();
  ASSERT_EQ(lbs->size(), 2u);
  EXPECT_EQ(lbs.value()[0].state, "active");
  EXPECT_EQ(lbs.value()[0].availability_zones[0].subnet_id, "subnet-1");
  EXPECT_EQ(lbs.value()[0].security_groups, std::vector<std::string>{"sg-1"});
  EXPECT_EQ(lbs.value()[1].arn, "arn:2");
  EXPECT_TRUE(lbs.value()[1].availability_zones.empty());
  EXPECT_EQ(SentArguments(0), (QueryParams{{"PageSize", "1"}}));
  EXPECT_EQ(SentArguments(1), (QueryParams{{"PageSize", "1"}, {"Marker", "a"}}));
}

TEST_F(Elbv2ClientTest, ParsesTargetGroupsRulesHealthAndTags) {
  Respond(ElbResponse("CreateTargetGroup", R"(<TargetGroups><member>
      <TargetGroupArn>arn:tg</TargetGroupArn><TargetGroupName>blue</TargetGroupName>
      <Protocol>HTTP</Protocol><Port>8080</Port><VpcId>vpc-1</VpcId>
      <HealthCheckProtocol>HTTP</HealthCheckProtocol><HealthCheckPort>traffic-port</HealthCheckPort>
      <HealthCheckEnabled>true</HealthCheckEnabled><HealthCheckIntervalSeconds>10</HealthCheckIntervalSeconds>
      <HealthyThresholdCount>2</HealthyThresholdCount><HealthCheckPath>/health</HealthCheckPath>
      <Matcher><HttpCode>200-299</HttpCode></Matcher>
      <LoadBalancerArns><member>arn:lb</member><member>arn:lb</member></LoadBalancerArns>
      <TargetType>ip</TargetType></member></TargetGroups>)"));
  auto tg = Call<Elbv2TargetGroup>(
      [&](auto done) { elb_.CreateTargetGroup({.name = "blue", .protocol = "HTTP"}, done); });
  ASSERT_TRUE(tg.ok()) << tg.status().ToString();
  EXPECT_EQ(tg->port, 8080);
  EXPECT_EQ(tg->target_type, "ip");
  EXPECT_EQ(tg->health_check.path, "/health");
  EXPECT_EQ(tg->health_check.interval_seconds, 10);
  EXPECT_FALSE(tg->health_check.timeout_seconds.has_value());  // not sent
  EXPECT_EQ(tg->health_check.matcher_http_code, "200-299");
  EXPECT_EQ(tg->load_balancer_arns, std::vector<std::string>{"arn:lb"});  // once

  Respond(ElbResponse("DescribeRules", R"(<Rules>
      <member><RuleArn>arn:r1</RuleArn><Priority>10</Priority>
        <Conditions>
          <member><Field>path-pattern</Field><Values><member>/legacy/*</member></Values></member>
          <member><Field>host-header</Field><Values><member>old</member></Values>
            <HostHeaderConfig><Values><member>a.example.com</member></Values></HostHeaderConfig></member>
          <member><Field>http-header</Field><HttpHeaderConfig><HttpHeaderName>X-Canary</HttpHeaderName>
            <Values><member>1</member></Values></HttpHeaderConfig></member>
          <member><Field>query-string</Field><QueryStringConfig><Values>
            <member><Key>v</Key><Value>2</Value></member></Values></QueryStringConfig></member>
        </Conditions>
        <Actions><member><Type>forward</Type><TargetGroupArn>arn:tg</TargetGroupArn></member></Actions>
        <IsDefault>false</IsDefault></member>
      <member><RuleArn>arn:default</RuleArn><Priority>default</Priority><Conditions/>
        <Actions><member><Type>fixed-response</Type><FixedResponseConfig><StatusCode>404</StatusCode>
        </FixedResponseConfig></member></Actions><IsDefault>true</IsDefault></member>
    </Rules>)"));
  auto rules = Call<std::vector<Elbv2Rule>>(
      [&](auto done) { elb_.DescribeRules({.listener_arn = "arn:l"}, done); });
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  ASSERT_EQ(rules->size(), 2u);
  const Elbv2Rule& r1 = rules.value()[0];
  EXPECT_EQ(r1.priority, "10");
  ASSERT_EQ(r1.conditions.size(), 4u);
  EXPECT_EQ(r1.conditions[0].values, std::vector<std::string>{"/legacy/*"});      // legacy Values
  EXPECT_EQ(r1.conditions[1].values, std::vector<std::string>{"a.example.com"});  // Config wins
  EXPECT_EQ(r1.conditions[2].http_header_name, "X-Canary");
  EXPECT_EQ(r1.conditions[2].values, std::vector<std::string>{"1"});
  ASSERT_EQ(r1.conditions[3].query_string.size(), 1u);
  EXPECT_EQ(r1.conditions[3].query_string[0], (std::pair<std::string, std::string>{"v", "2"}));
  EXPECT_EQ(r1.actions[0].target_group_arn, "arn:tg");
  EXPECT_TRUE(rules.value()[1].is_default);
  EXPECT_EQ(rules.value()[1].priority, "default");
  EXPECT_TRUE(rules.value()[1].conditions.empty());

  Respond(ElbResponse("DescribeTargetHealth", R"(<TargetHealthDescriptions>
      <member><Target><Id>10.0.0.5</Id><Port>8080</Port></Target>
        <HealthCheckPort>8080</HealthCheckPort><TargetHealth><State>healthy</State></TargetHealth></member>
      <member><Target><Id>10.0.0.6</Id><Port>8080</Port></Target><TargetHealth>
        <State>draining</State><Reason>Target.DeregistrationInProgress</Reason>
        <Description>Target deregistration is in progress</Description></TargetHealth></member>
    </TargetHealthDescriptions>)"));
  auto health = Call<std::vector<Elbv2TargetHealthDescription>>(
      [&](auto done) { elb_.DescribeTargetHealth("arn:tg", {}, done); });
  ASSERT_TRUE(health.ok()) << health.status().ToString();
  ASSERT_EQ(health->size(), 2u);
  EXPECT_EQ(health.value()[0].target.id, "10.0.0.5");
  EXPECT_EQ(health.value()[0].state, "healthy");
  EXPECT_EQ(health.value()[0].reason, "");
  EXPECT_EQ(health.value()[1].reason, "Target.DeregistrationInProgress");

  Respond(ElbResponse("DescribeTags", R"(<TagDescriptions>
      <member><ResourceArn>arn:lb</ResourceArn><Tags><member><Key>app</Key><Value>shop</Value></member></Tags></member>
      <member><ResourceArn>arn:tg</ResourceArn><Tags/></member></TagDescriptions>)"));
  auto tags = Call<std::map<std::string, std::map<std::string, std::string>>>([&](auto done) {
    elb_.DescribeTags({"arn:lb", "arn:tg"}, done);
  });
  ASSERT_TRUE(tags.ok()) << tags.status().ToString();
  EXPECT_EQ(tags.value(), (std::map<std::string, std::map<std::string, std::string>>{
                              {"arn:lb", {{"app", "shop"}}}, {"arn:tg", {}}}));
  EXPECT_EQ(SentArguments(3), (QueryParams{{"ResourceArns.member.1", "arn:lb"},
                                           {"ResourceArns.member.2", "arn:tg"}}));
}

TEST_F(Elbv2ClientTest, TargetsAttributesAndOperationsWithoutOutput) {
  Respond(ElbResponse("RegisterTargets", ""));
  auto registered = Call<bool>([&](auto done) {
    elb_.RegisterTargets("arn:tg", {{.id = "10.0.0.5", .port = 8080}, {.id = "10.0.0.6"}}, done);
  });
  ASSERT_TRUE(registered.ok()) << registered.status().ToString();
  EXPECT_EQ(SentArguments(), (QueryParams{{"TargetGroupArn", "arn:tg"},
                                          {"Targets.member.1.Id", "10.0.0.5"},
                                          {"Targets.member.1.Port", "8080"},
                                          {"Targets.member.2.Id", "10.0.0.6"}}));

  // An empty result element is as good as none.
  Respond(
      "<DeleteLoadBalancerResponse><DeleteLoadBalancerResult/><ResponseMetadata>"
      "<RequestId>x</RequestId></ResponseMetadata></DeleteLoadBalancerResponse>");
  auto deleted = Call<bool>([&](auto done) { elb_.DeleteLoadBalancer("arn:lb", done); });
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();

  Respond(ElbResponse("ModifyTargetGroupAttributes",
                      "<Attributes><member><Key>deregistration_delay.timeout_seconds</Key>"
                      "<Value>30</Value></member></Attributes>"));
  auto attributes = Call<std::map<std::string, std::string>>([&](auto done) {
    elb_.ModifyTargetGroupAttributes("arn:tg", {{"deregistration_delay.timeout_seconds", "30"}},
                                     done);
  });
  ASSERT_TRUE(attributes.ok()) << attributes.status().ToString();
  EXPECT_EQ(attributes->at("deregistration_delay.timeout_seconds"), "30");
  EXPECT_EQ(SentArguments(2),
            (QueryParams{{"TargetGroupArn", "arn:tg"},
                         {"Attributes.member.1.Key", "deregistration_delay.timeout_seconds"},
                         {"Attributes.member.1.Value", "30"}}));
}

TEST_F(Elbv2ClientTest, UnexpectedShapesAreMalformed) {
  // Create* answers with exactly one item.
  Respond(ElbResponse("CreateLoadBalancer", "<LoadBalancers/>"));
  auto lb =
      Call<Elbv2LoadBalancer>([&](auto done) { elb_.CreateLoadBalancer({.name = "web"}, done); });
  ASSERT_FALSE(lb.ok());
  EXPECT_EQ(lb.error().code(), "MalformedResponse");
  EXPECT_EQ(lb.error().request_id(), "elb-req");

  Respond(ElbResponse("DescribeTargetGroups",
                      "<TargetGroups><member><TargetGroupArn>arn:tg</TargetGroupArn>"
                      "<Port>http</Port></member></TargetGroups>"));
  auto tgs =
      Call<std::vector<Elbv2TargetGroup>>([&](auto done) { elb_.DescribeTargetGroups({}, done); });
  ASSERT_FALSE(tgs.ok());
  EXPECT_EQ(tgs.error().code(), "MalformedResponse");

  Respond(ElbResponse("DescribeTargetHealth",
                      "<TargetHealthDescriptions><member><TargetHealth><State>healthy</State>"
                      "</TargetHealth></member></TargetHealthDescriptions>"));
  auto health = Call<std::vector<Elbv2TargetHealthDescription>>(
      [&](auto done) { elb_.DescribeTargetHealth("arn:tg", {}, done); });
  ASSERT_FALSE(health.ok());
  EXPECT_NE(health.error().message().find("missing element Target"), std::string::npos)
      << health.error().message();
}

TEST_F(Elbv2ClientTest, QueryErrorsKeepTheirCode) {
  Respond(R"(<ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">
<Error><Type>Sender</Type><Code>TargetGroupNotFound</Code>
<Message>One or more target groups not found</Message></Error>
<RequestId>elb-err</RequestId></ErrorResponse>)",
          400);
  auto deleted = Call<bool>([&](auto done) { elb_.DeleteTargetGroup("arn:tg", done); });
  ASSERT_FALSE(deleted.ok());
  EXPECT_EQ(deleted.error().code(), "TargetGroupNotFound");
  EXPECT_EQ(deleted.error().request_id(), "elb-err");
  EXPECT_EQ(deleted.status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace wharf::aws
