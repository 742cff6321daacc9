#include "common/aws/elbv2_client.h"

#include <algorithm>
#include <utility>

#include "common/aws/query_call.h"
#include "common/aws/xml_reader.h"

namespace wharf::aws {
namespace {

using ListStyle = QueryParamsBuilder::ListStyle;

const AwsService& Elbv2() { return services::kElbv2; }

QueryParamsBuilder Builder() { return QueryParamsBuilder(ListStyle::kMember); }

// The <Field>Config element a condition's values go in; "" for fields this
// client does not know (their values go in the legacy Values list).
std::string ConditionConfigName(const std::string& field) {
  if (field == "host-header") return "HostHeaderConfig";
  if (field == "path-pattern") return "PathPatternConfig";
  if (field == "http-header") return "HttpHeaderConfig";
  if (field == "http-request-method") return "HttpRequestMethodConfig";
  if (field == "source-ip") return "SourceIpConfig";
  if (field == "query-string") return "QueryStringConfig";
  return "";
}

// ---- Request encoding. ----

void AddHealthCheck(QueryParamsBuilder& b, const Elbv2HealthCheck& h) {
  b.AddIfSet("HealthCheckProtocol", h.protocol);
  b.AddIfSet("HealthCheckPort", h.port);
  b.AddIfSet("HealthCheckEnabled", h.enabled);
  b.AddIfSet("HealthCheckPath", h.path);
  b.AddIfSet("HealthCheckIntervalSeconds", h.interval_seconds);
  b.AddIfSet("HealthCheckTimeoutSeconds", h.timeout_seconds);
  b.AddIfSet("HealthyThresholdCount", h.healthy_threshold_count);
  b.AddIfSet("UnhealthyThresholdCount", h.unhealthy_threshold_count);
  b.AddIfSet("Matcher.HttpCode", h.matcher_http_code);
  b.AddIfSet("Matcher.GrpcCode", h.matcher_grpc_code);
}

void AddActions(QueryParamsBuilder& b, const std::string& list,
                const std::vector<Elbv2Action>& actions) {
  for (size_t i = 0; i < actions.size(); ++i) {
    const Elbv2Action& a = actions[i];
    const std::string item = b.ListItem(list, i);
    b.Add(item + ".Type", a.type);
    b.AddIfSet(item + ".Order", a.order);
    b.AddIfNotEmpty(item + ".TargetGroupArn", a.target_group_arn);
    if (a.forward_config) {
      const std::string forward = item + ".ForwardConfig";
      const auto& groups = a.forward_config->target_groups;
      for (size_t j = 0; j < groups.size(); ++j) {
        const std::string tuple = b.ListItem(forward + ".TargetGroups", j);
        b.Add(tuple + ".TargetGroupArn", groups[j].target_group_arn);
        b.AddIfSet(tuple + ".Weight", groups[j].weight);
      }
      const std::string stickiness = forward + ".TargetGroupStickinessConfig";
      b.AddIfSet(stickiness + ".Enabled", a.forward_config->stickiness_enabled);
      b.AddIfSet(stickiness + ".DurationSeconds", a.forward_config->stickiness_duration_seconds);
    }
    if (a.fixed_response) {
      const std::string fixed = item + ".FixedResponseConfig";
      b.Add(fixed + ".StatusCode", a.fixed_response->status_code);
      b.AddIfNotEmpty(fixed + ".ContentType", a.fixed_response->content_type);
      b.AddIfNotEmpty(fixed + ".MessageBody", a.fixed_response->message_body);
    }
    if (a.redirect) {
      const std::string redirect = item + ".RedirectConfig";
      b.AddIfNotEmpty(redirect + ".Protocol", a.redirect->protocol);
      b.AddIfNotEmpty(redirect + ".Port", a.redirect->port);
      b.AddIfNotEmpty(redirect + ".Host", a.redirect->host);
      b.AddIfNotEmpty(redirect + ".Path", a.redirect->path);
      b.AddIfNotEmpty(redirect + ".Query", a.redirect->query);
      b.Add(redirect + ".StatusCode", a.redirect->status_code);
    }
  }
}

void AddConditions(QueryParamsBuilder& b, const std::vector<Elbv2RuleCondition>& conditions) {
  for (size_t i = 0; i < conditions.size(); ++i) {
    const Elbv2RuleCondition& c = conditions[i];
    const std::string item = b.ListItem("Conditions", i);
    b.Add(item + ".Field", c.field);
    const std::string config = ConditionConfigName(c.field);
    if (config.empty()) {
      b.AddStrings(item + ".Values", c.values);
      continue;
    }
    const std::string prefix = item + "." + config;
    if (c.field == "http-header") b.Add(prefix + ".HttpHeaderName", c.http_header_name);
    if (c.field == "query-string") {
      for (size_t j = 0; j < c.query_string.size(); ++j) {
        const std::string pair = b.ListItem(prefix + ".Values", j);
        b.AddIfNotEmpty(pair + ".Key", c.query_string[j].first);
        b.Add(pair + ".Value", c.query_string[j].second);
      }
    } else {
      b.AddStrings(prefix + ".Values", c.values);
    }
  }
}

void AddTargets(QueryParamsBuilder& b, const std::vector<Elbv2Target>& targets) {
  for (size_t i = 0; i < targets.size(); ++i) {
    const std::string item = b.ListItem("Targets", i);
    b.Add(item + ".Id", targets[i].id);
    b.AddIfSet(item + ".Port", targets[i].port);
    b.AddIfNotEmpty(item + ".AvailabilityZone", targets[i].availability_zone);
  }
}

void AddPaging(QueryParamsBuilder& b, int64_t page_size) {
  if (page_size > 0) b.AddInt("PageSize", page_size);
}

// ---- Response parsing. ----

Elbv2LoadBalancer ParseLoadBalancer(const XmlReader& r) {
  Elbv2LoadBalancer lb;
  lb.arn = r.RequiredString("LoadBalancerArn");
  lb.name = r.String("LoadBalancerName");
  lb.dns_name = r.String("DNSName");
  lb.canonical_hosted_zone_id = r.String("CanonicalHostedZoneId");
  lb.scheme = r.String("Scheme");
  lb.type = r.String("Type");
  lb.vpc_id = r.String("VpcId");
  XmlReader state = r.Child("State");
  lb.state = state.String("Code");
  lb.state_reason = state.String("Reason");
  lb.ip_address_type = r.String("IpAddressType");
  lb.created_time = r.String("CreatedTime");
  for (const XmlReader& az : r.Items("AvailabilityZones", "member")) {
    lb.availability_zones.push_back({az.String("ZoneName"), az.String("SubnetId")});
  }
  lb.security_groups = r.Strings("SecurityGroups", "member");
  return lb;
}

Elbv2TargetGroup ParseTargetGroup(const XmlReader& r) {
  Elbv2TargetGroup tg;
  tg.arn = r.RequiredString("TargetGroupArn");
  tg.name = r.String("TargetGroupName");
  tg.protocol = r.String("Protocol");
  tg.port = r.OptionalInt("Port");
  tg.vpc_id = r.String("VpcId");
  tg.target_type = r.String("TargetType");
  tg.protocol_version = r.String("ProtocolVersion");
  tg.ip_address_type = r.String("IpAddressType");
  Elbv2HealthCheck& h = tg.health_check;
  h.enabled = r.OptionalBool("HealthCheckEnabled");
  h.protocol = r.OptionalString("HealthCheckProtocol");
  h.port = r.OptionalString("HealthCheckPort");
  h.path = r.OptionalString("HealthCheckPath");
  h.interval_seconds = r.OptionalInt("HealthCheckIntervalSeconds");
  h.timeout_seconds = r.OptionalInt("HealthCheckTimeoutSeconds");
  h.healthy_threshold_count = r.OptionalInt("HealthyThresholdCount");
  h.unhealthy_threshold_count = r.OptionalInt("UnhealthyThresholdCount");
  XmlReader matcher = r.Child("Matcher");
  h.matcher_http_code = matcher.OptionalString("HttpCode");
  h.matcher_grpc_code = matcher.OptionalString("GrpcCode");
  for (std::string& arn : r.Strings("LoadBalancerArns", "member")) {
    auto& arns = tg.load_balancer_arns;
    if (std::find(arns.begin(), arns.end(), arn) == arns.end()) arns.push_back(std::move(arn));
  }
  return tg;
}

Elbv2Action ParseAction(const XmlReader& r) {
  Elbv2Action a;
  a.type = r.RequiredString("Type");
  a.order = r.OptionalInt("Order");
  a.target_group_arn = r.String("TargetGroupArn");
  if (XmlReader forward = r.Child("ForwardConfig"); forward.present()) {
    Elbv2ForwardConfig config;
    for (const XmlReader& tuple : forward.Items("TargetGroups", "member")) {
      config.target_groups.push_back(
          {tuple.RequiredString("TargetGroupArn"), tuple.OptionalInt("Weight")});
    }
    XmlReader stickiness = forward.Child("TargetGroupStickinessConfig");
    config.stickiness_enabled = stickiness.OptionalBool("Enabled");
    config.stickiness_duration_seconds = stickiness.OptionalInt("DurationSeconds");
    a.forward_config = std::move(config);
  }
  if (XmlReader fixed = r.Child("FixedResponseConfig"); fixed.present()) {
    a.fixed_response = Elbv2FixedResponseConfig{
        fixed.String("StatusCode"), fixed.String("ContentType"), fixed.String("MessageBody")};
  }
  if (XmlReader redirect = r.Child("RedirectConfig"); redirect.present()) {
    a.redirect = Elbv2RedirectConfig{redirect.String("StatusCode"), redirect.String("Protocol"),
                                     redirect.String("Port"),       redirect.String("Host"),
                                     redirect.String("Path"),       redirect.String("Query")};
  }
  return a;
}

std::vector<Elbv2Action> ParseActions(const XmlReader& r, std::string_view list) {
  std::vector<Elbv2Action> out;
  for (const XmlReader& item : r.Items(list, "member")) out.push_back(ParseAction(item));
  return out;
}

Elbv2Listener ParseListener(const XmlReader& r) {
  Elbv2Listener l;
  l.arn = r.RequiredString("ListenerArn");
  l.load_balancer_arn = r.String("LoadBalancerArn");
  l.port = r.OptionalInt("Port");
  l.protocol = r.String("Protocol");
  l.ssl_policy = r.String("SslPolicy");
  for (const XmlReader& certificate : r.Items("Certificates", "member")) {
    l.certificate_arns.push_back(certificate.String("CertificateArn"));
  }
  l.default_actions = ParseActions(r, "DefaultActions");
  return l;
}

Elbv2RuleCondition ParseCondition(const XmlReader& r) {
  Elbv2RuleCondition c;
  c.field = r.RequiredString("Field");
  const std::string config_name = ConditionConfigName(c.field);
  XmlReader config = r.Child(config_name);  // absent when config_name is ""
  if (c.field == "query-string") {
    for (const XmlReader& pair : config.Items("Values", "member")) {
      c.query_string.emplace_back(pair.String("Key"), pair.String("Value"));
    }
  } else if (config.Child("Values").present()) {
    c.values = config.Strings("Values", "member");
  } else {
    c.values = r.Strings("Values", "member");
  }
  if (c.field == "http-header") c.http_header_name = config.String("HttpHeaderName");
  return c;
}

Elbv2Rule ParseRule(const XmlReader& r) {
  Elbv2Rule rule;
  rule.arn = r.RequiredString("RuleArn");
  rule.priority = r.String("Priority");
  rule.is_default = r.Bool("IsDefault");
  for (const XmlReader& c : r.Items("Conditions", "member")) {
    rule.conditions.push_back(ParseCondition(c));
  }
  rule.actions = ParseActions(r, "Actions");
  return rule;
}

Elbv2TargetHealthDescription ParseTargetHealth(const XmlReader& r) {
  Elbv2TargetHealthDescription d;
  XmlReader target = r.RequiredChild("Target");
  d.target.id = target.RequiredString("Id");
  d.target.port = target.OptionalInt("Port");
  d.target.availability_zone = target.String("AvailabilityZone");
  d.health_check_port = r.String("HealthCheckPort");
  XmlReader health = r.Child("TargetHealth");
  d.state = health.String("State");
  d.reason = health.String("Reason");
  d.description = health.String("Description");
  return d;
}

std::map<std::string, std::string> ParseAttributes(const XmlReader& r) {
  return r.KeyValues("Attributes", "member", "Key", "Value");
}

// The single item of `list` (Create*/Modify* answer with a list of one).
template <typename T>
T Single(const XmlReader& r, std::string_view list, T (*parse)(const XmlReader&)) {
  std::vector<XmlReader> items = r.Items(list, "member");
  if (items.size() != 1) {
    r.Fail("expected one member in " + std::string(list) + ", got " + std::to_string(items.size()));
    return T{};
  }
  return parse(items[0]);
}

template <typename T>
QueryParser<T> SingleOf(std::string list, T (*parse)(const XmlReader&)) {
  return [list = std::move(list), parse](const XmlReader& r) { return Single<T>(r, list, parse); };
}

// A paged Describe* call whose items are the <member>s of `list`.
template <typename Item>
void Describe(AwsClient& client, std::string operation, QueryParams params, std::string list,
              Item (*parse_item)(const XmlReader&),
              std::function<void(Outcome<std::vector<Item>>)> done) {
  CallQueryPaged<Item>(
      client, Elbv2(), std::move(operation), std::move(params), "Marker",
      [list = std::move(list), parse_item](const XmlReader& r) {
        QueryPage<Item> page;
        for (const XmlReader& item : r.Items(list, "member")) {
          page.items.push_back(parse_item(item));
        }
        page.next_token = r.String("NextMarker");
        return page;
      },
      std::move(done));
}

bool NoOutput(const XmlReader&) { return true; }

}  // namespace

Elbv2Client::Elbv2Client(AwsClient& client) : client_(client) {}

// ---- Load balancers. ----

void Elbv2Client::CreateLoadBalancer(const Elbv2CreateLoadBalancerRequest& request,
                                     Callback<Elbv2LoadBalancer> done) {
  QueryParamsBuilder b = Builder();
  b.Add("Name", request.name);
  b.AddStrings("Subnets", request.subnets);
  b.AddStrings("SecurityGroups", request.security_groups);
  b.AddIfNotEmpty("Scheme", request.scheme);
  b.AddKeyValues("Tags", request.tags);
  b.AddIfNotEmpty("Type", request.type);
  b.AddIfNotEmpty("IpAddressType", request.ip_address_type);
  CallQueryOperation<Elbv2LoadBalancer>(client_, Elbv2(), "CreateLoadBalancer", std::move(b).Take(),
                                        SingleOf("LoadBalancers", &ParseLoadBalancer),
                                        std::move(done));
}

void Elbv2Client::DescribeLoadBalancers(const Elbv2DescribeLoadBalancersRequest& request,
                                        Callback<std::vector<Elbv2LoadBalancer>> done) {
  QueryParamsBuilder b = Builder();
  b.AddStrings("LoadBalancerArns", request.arns);
  b.AddStrings("Names", request.names);
  AddPaging(b, request.page_size);
  Describe<Elbv2LoadBalancer>(client_, "DescribeLoadBalancers", std::move(b).Take(),
                              "LoadBalancers", &ParseLoadBalancer, std::move(done));
}

void Elbv2Client::DeleteLoadBalancer(const std::string& arn, Callback<bool> done) {
  CallQueryOperation<bool>(client_, Elbv2(), "DeleteLoadBalancer", {{"LoadBalancerArn", arn}},
                           &NoOutput, std::move(done));
}

void Elbv2Client::SetSubnets(const std::string& arn, const std::vector<std::string>& subnets,
                             Callback<std::vector<Elbv2AvailabilityZone>> done) {
  QueryParamsBuilder b = Builder();
  b.Add("LoadBalancerArn", arn);
  b.AddStrings("Subnets", subnets);
  CallQueryOperation<std::vector<Elbv2AvailabilityZone>>(
      client_, Elbv2(), "SetSubnets", std::move(b).Take(),
      [](const XmlReader& r) {
        std::vector<Elbv2AvailabilityZone> zones;
        for (const XmlReader& az : r.Items("AvailabilityZones", "member")) {
          zones.push_back({az.String("ZoneName"), az.String("SubnetId")});
        }
        return zones;
      },
      std::move(done));
}

void Elbv2Client::SetSecurityGroups(const std::string& arn,
                                    const std::vector<std::string>& security_groups,
                                    Callback<std::vector<std::string>> done) {
  QueryParamsBuilder b = Builder();
  b.Add("LoadBalancerArn", arn);
  b.AddStrings("SecurityGroups", security_groups);
  CallQueryOperation<std::vector<std::string>>(
      client_, Elbv2(), "SetSecurityGroups", std::move(b).Take(),
      [](const XmlReader& r) { return r.Strings("SecurityGroupIds", "member"); }, std::move(done));
}

void Elbv2Client::DescribeLoadBalancerAttributes(
    const std::string& arn, Callback<std::map<std::string, std::string>> done) {
  CallQueryOperation<std::map<std::string, std::string>>(
      client_, Elbv2(), "DescribeLoadBalancerAttributes", {{"LoadBalancerArn", arn}},
      &ParseAttributes, std::move(done));
}

void Elbv2Client::ModifyLoadBalancerAttributes(const std::string& arn,
                                               const std::map<std::string, std::string>& attributes,
                                               Callback<std::map<std::string, std::string>> done) {
  QueryParamsBuilder b = Builder();
  b.Add("LoadBalancerArn", arn);
  b.AddKeyValues("Attributes", attributes);
  CallQueryOperation<std::map<std::string, std::string>>(
      client_, Elbv2(), "ModifyLoadBalancerAttributes", std::move(b).Take(), &ParseAttributes,
      std::move(done));
}

// ---- Target groups. ----

QueryParams Elbv2Client::CreateTargetGroupParams(const Elbv2CreateTargetGroupRequest& request) {
  QueryParamsBuilder b = Builder();
  b.Add("Name", request.name);
  b.AddIfNotEmpty("Protocol", request.protocol);
  b.AddIfNotEmpty("ProtocolVersion", request.protocol_version);
  b.AddIfSet("Port", request.port);
  b.AddIfNotEmpty("VpcId", request.vpc_id);
  AddHealthCheck(b, request.health_check);
  b.AddIfNotEmpty("TargetType", request.target_type);
  b.AddKeyValues("Tags", request.tags);
  return std::move(b).Take();
}

void Elbv2Client::CreateTargetGroup(const Elbv2CreateTargetGroupRequest& request,
                                    Callback<Elbv2TargetGroup> done) {
  CallQueryOperation<Elbv2TargetGroup>(
      client_, Elbv2(), "CreateTargetGroup", CreateTargetGroupParams(request),
      SingleOf("TargetGroups", &ParseTargetGroup), std::move(done));
}

void Elbv2Client::DescribeTargetGroups(const Elbv2DescribeTargetGroupsRequest& request,
                                       Callback<std::vector<Elbv2TargetGroup>> done) {
  QueryParamsBuilder b = Builder();
  b.AddIfNotEmpty("LoadBalancerArn", request.load_balancer_arn);
  b.AddStrings("TargetGroupArns", request.arns);
  b.AddStrings("Names", request.names);
  AddPaging(b, request.page_size);
  Describe<Elbv2TargetGroup>(client_, "DescribeTargetGroups", std::move(b).Take(), "TargetGroups",
                             &ParseTargetGroup, std::move(done));
}

void Elbv2Client::ModifyTargetGroup(const std::string& arn, const Elbv2HealthCheck& health_check,
                                    Callback<Elbv2TargetGroup> done) {
  QueryParamsBuilder b = Builder();
  b.Add("TargetGroupArn", arn);
  AddHealthCheck(b, health_check);
  CallQueryOperation<Elbv2TargetGroup>(client_, Elbv2(), "ModifyTargetGroup", std::move(b).Take(),
                                       SingleOf("TargetGroups", &ParseTargetGroup),
                                       std::move(done));
}

void Elbv2Client::DeleteTargetGroup(const std::string& arn, Callback<bool> done) {
  CallQueryOperation<bool>(client_, Elbv2(), "DeleteTargetGroup", {{"TargetGroupArn", arn}},
                           &NoOutput, std::move(done));
}

void Elbv2Client::DescribeTargetGroupAttributes(const std::string& arn,
                                                Callback<std::map<std::string, std::string>> done) {
  CallQueryOperation<std::map<std::string, std::string>>(
      client_, Elbv2(), "DescribeTargetGroupAttributes", {{"TargetGroupArn", arn}},
      &ParseAttributes, std::move(done));
}

void Elbv2Client::ModifyTargetGroupAttributes(const std::string& arn,
                                              const std::map<std::string, std::string>& attributes,
                                              Callback<std::map<std::string, std::string>> done) {
  QueryParamsBuilder b = Builder();
  b.Add("TargetGroupArn", arn);
  b.AddKeyValues("Attributes", attributes);
  CallQueryOperation<std::map<std::string, std::string>>(
      client_, Elbv2(), "ModifyTargetGroupAttributes", std::move(b).Take(), &ParseAttributes,
      std::move(done));
}

// ---- Listeners. ----

QueryParams Elbv2Client::CreateListenerParams(const Elbv2CreateListenerRequest& request) {
  QueryParamsBuilder b = Builder();
  b.Add("LoadBalancerArn", request.load_balancer_arn);
  b.AddIfNotEmpty("Protocol", request.protocol);
  b.AddIfSet("Port", request.port);
  b.AddIfNotEmpty("SslPolicy", request.ssl_policy);
  for (size_t i = 0; i < request.certificate_arns.size(); ++i) {
    b.Add(b.ListItem("Certificates", i) + ".CertificateArn", request.certificate_arns[i]);
  }
  AddActions(b, "DefaultActions", request.default_actions);
  b.AddKeyValues("Tags", request.tags);
  return std::move(b).Take();
}

void Elbv2Client::CreateListener(const Elbv2CreateListenerRequest& request,
                                 Callback<Elbv2Listener> done) {
  CallQueryOperation<Elbv2Listener>(client_, Elbv2(), "CreateListener",
                                    CreateListenerParams(request),
                                    SingleOf("Listeners", &ParseListener), std::move(done));
}

void Elbv2Client::DescribeListeners(const Elbv2DescribeListenersRequest& request,
                                    Callback<std::vector<Elbv2Listener>> done) {
  QueryParamsBuilder b = Builder();
  b.AddIfNotEmpty("LoadBalancerArn", request.load_balancer_arn);
  b.AddStrings("ListenerArns", request.arns);
  AddPaging(b, request.page_size);
  Describe<Elbv2Listener>(client_, "DescribeListeners", std::move(b).Take(), "Listeners",
                          &ParseListener, std::move(done));
}

void Elbv2Client::ModifyListener(const Elbv2ModifyListenerRequest& request,
                                 Callback<Elbv2Listener> done) {
  QueryParamsBuilder b = Builder();
  b.Add("ListenerArn", request.listener_arn);
  b.AddIfSet("Port", request.port);
  b.AddIfSet("Protocol", request.protocol);
  b.AddIfSet("SslPolicy", request.ssl_policy);
  for (size_t i = 0; i < request.certificate_arns.size(); ++i) {
    b.Add(b.ListItem("Certificates", i) + ".CertificateArn", request.certificate_arns[i]);
  }
  AddActions(b, "DefaultActions", request.default_actions);
  CallQueryOperation<Elbv2Listener>(client_, Elbv2(), "ModifyListener", std::move(b).Take(),
                                    SingleOf("Listeners", &ParseListener), std::move(done));
}

void Elbv2Client::DeleteListener(const std::string& arn, Callback<bool> done) {
  CallQueryOperation<bool>(client_, Elbv2(), "DeleteListener", {{"ListenerArn", arn}}, &NoOutput,
                           std::move(done));
}

// ---- Rules. ----

QueryParams Elbv2Client::CreateRuleParams(const Elbv2CreateRuleRequest& request) {
  QueryParamsBuilder b = Builder();
  b.Add("ListenerArn", request.listener_arn);
  AddConditions(b, request.conditions);
  b.AddInt("Priority", request.priority);
  AddActions(b, "Actions", request.actions);
  b.AddKeyValues("Tags", request.tags);
  return std::move(b).Take();
}

void Elbv2Client::CreateRule(const Elbv2CreateRuleRequest& request, Callback<Elbv2Rule> done) {
  CallQueryOperation<Elbv2Rule>(client_, Elbv2(), "CreateRule", CreateRuleParams(request),
                                SingleOf("Rules", &ParseRule), std::move(done));
}

void Elbv2Client::ModifyRule(const Elbv2ModifyRuleRequest& request, Callback<Elbv2Rule> done) {
  QueryParamsBuilder b = Builder();
  b.Add("RuleArn", request.rule_arn);
  AddConditions(b, request.conditions);
  AddActions(b, "Actions", request.actions);
  CallQueryOperation<Elbv2Rule>(client_, Elbv2(), "ModifyRule", std::move(b).Take(),
                                SingleOf("Rules", &ParseRule), std::move(done));
}

void Elbv2Client::DescribeRules(const Elbv2DescribeRulesRequest& request,
                                Callback<std::vector<Elbv2Rule>> done) {
  QueryParamsBuilder b = Builder();
  b.AddIfNotEmpty("ListenerArn", request.listener_arn);
  b.AddStrings("RuleArns", request.arns);
  AddPaging(b, request.page_size);
  Describe<Elbv2Rule>(client_, "DescribeRules", std::move(b).Take(), "Rules", &ParseRule,
                      std::move(done));
}

void Elbv2Client::DeleteRule(const std::string& arn, Callback<bool> done) {
  CallQueryOperation<bool>(client_, Elbv2(), "DeleteRule", {{"RuleArn", arn}}, &NoOutput,
                           std::move(done));
}

// ---- Targets. ----

void Elbv2Client::DescribeTargetHealth(const std::string& target_group_arn,
                                       const std::vector<Elbv2Target>& targets,
                                       Callback<std::vector<Elbv2TargetHealthDescription>> done) {
  QueryParamsBuilder b = Builder();
  b.Add("TargetGroupArn", target_group_arn);
  AddTargets(b, targets);
  CallQueryOperation<std::vector<Elbv2TargetHealthDescription>>(
      client_, Elbv2(), "DescribeTargetHealth", std::move(b).Take(),
      [](const XmlReader& r) {
        std::vector<Elbv2TargetHealthDescription> out;
        for (const XmlReader& item : r.Items("TargetHealthDescriptions", "member")) {
          out.push_back(ParseTargetHealth(item));
        }
        return out;
      },
      std::move(done));
}

void Elbv2Client::RegisterTargets(const std::string& target_group_arn,
                                  const std::vector<Elbv2Target>& targets, Callback<bool> done) {
  QueryParamsBuilder b = Builder();
  b.Add("TargetGroupArn", target_group_arn);
  AddTargets(b, targets);
  CallQueryOperation<bool>(client_, Elbv2(), "RegisterTargets", std::move(b).Take(), &NoOutput,
                           std::move(done));
}

void Elbv2Client::DeregisterTargets(const std::string& target_group_arn,
                                    const std::vector<Elbv2Target>& targets, Callback<bool> done) {
  QueryParamsBuilder b = Builder();
  b.Add("TargetGroupArn", target_group_arn);
  AddTargets(b, targets);
  CallQueryOperation<bool>(client_, Elbv2(), "DeregisterTargets", std::move(b).Take(), &NoOutput,
                           std::move(done));
}

// ---- Tags. ----

void Elbv2Client::AddTags(const std::vector<std::string>& arns,
                          const std::map<std::string, std::string>& tags, Callback<bool> done) {
  QueryParamsBuilder b = Builder();
  b.AddStrings("ResourceArns", arns);
  b.AddKeyValues("Tags", tags);
  CallQueryOperation<bool>(client_, Elbv2(), "AddTags", std::move(b).Take(), &NoOutput,
                           std::move(done));
}

void Elbv2Client::RemoveTags(const std::vector<std::string>& arns,
                             const std::vector<std::string>& keys, Callback<bool> done) {
  QueryParamsBuilder b = Builder();
  b.AddStrings("ResourceArns", arns);
  b.AddStrings("TagKeys", keys);
  CallQueryOperation<bool>(client_, Elbv2(), "RemoveTags", std::move(b).Take(), &NoOutput,
                           std::move(done));
}

void Elbv2Client::DescribeTags(
    const std::vector<std::string>& arns,
    Callback<std::map<std::string, std::map<std::string, std::string>>> done) {
  QueryParamsBuilder b = Builder();
  b.AddStrings("ResourceArns", arns);
  CallQueryOperation<std::map<std::string, std::map<std::string, std::string>>>(
      client_, Elbv2(), "DescribeTags", std::move(b).Take(),
      [](const XmlReader& r) {
        std::map<std::string, std::map<std::string, std::string>> out;
        for (const XmlReader& d : r.Items("TagDescriptions", "member")) {
          out[d.RequiredString("ResourceArn")] = d.KeyValues("Tags", "member", "Key", "Value");
        }
        return out;
      },
      std::move(done));
}

}  // namespace wharf::aws
