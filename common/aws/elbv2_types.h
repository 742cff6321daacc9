#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wharf::aws {

struct Elbv2AvailabilityZone {
  std::string zone_name;  // "us-east-1a"
  std::string subnet_id;
};

struct Elbv2LoadBalancer {
  std::string arn;
  std::string name;
  std::string dns_name;
  std::string canonical_hosted_zone_id;
  std::string scheme;  // "internet-facing", "internal"
  std::string type;    // "application", "network", "gateway"
  std::string vpc_id;
  std::string state;  // "provisioning", "active", "active_impaired", "failed"
  std::string state_reason;
  std::string ip_address_type;  // "ipv4", "dualstack"
  std::string created_time;     // ISO 8601, as the service sent it
  std::vector<Elbv2AvailabilityZone> availability_zones;
  std::vector<std::string> security_groups;
};

struct Elbv2CreateLoadBalancerRequest {
  std::string name;
  std::vector<std::string> subnets;
  std::vector<std::string> security_groups;
  std::string scheme;           // "": AWS's default (internet-facing)
  std::string type;             // "": AWS's default (application)
  std::string ip_address_type;  // "": AWS's default (ipv4)
  std::map<std::string, std::string> tags;
};

// By ARNs or names (not both); neither lists every load balancer. `page_size`
// (1..400; 0: AWS's default) sets the page size; every page is read.
struct Elbv2DescribeLoadBalancersRequest {
  std::vector<std::string> arns;
  std::vector<std::string> names;
  int64_t page_size = 0;
};

// Health check settings of a target group. In requests an unset field keeps
// AWS's default (create) or the current value (modify).
struct Elbv2HealthCheck {
  std::optional<bool> enabled;
  std::optional<std::string> protocol;  // "HTTP", "HTTPS", "TCP", ...
  std::optional<std::string> port;      // "traffic-port" or a number
  std::optional<std::string> path;
  std::optional<int64_t> interval_seconds;
  std::optional<int64_t> timeout_seconds;
  std::optional<int64_t> healthy_threshold_count;
  std::optional<int64_t> unhealthy_threshold_count;
  std::optional<std::string> matcher_http_code;  // "200", "200-299", "200,302"
  std::optional<std::string> matcher_grpc_code;
};

struct Elbv2TargetGroup {
  std::string arn;
  std::string name;
  std::string protocol;  // "HTTP", "HTTPS", "TCP", ...; "" for lambda targets
  std::optional<int64_t> port;
  std::string vpc_id;
  std::string target_type;       // "instance", "ip", "lambda", "alb"
  std::string protocol_version;  // "HTTP1", "HTTP2", "GRPC"
  std::string ip_address_type;   // "ipv4", "ipv6"
  // Every field set as the service reports it (fields it omits stay unset).
  Elbv2HealthCheck health_check;
  // Load balancers forwarding to the group (each once).
  std::vector<std::string> load_balancer_arns;
};

struct Elbv2CreateTargetGroupRequest {
  std::string name;
  std::string protocol;  // required except for lambda targets
  std::optional<int64_t> port;
  std::string vpc_id;
  std::string target_type;  // "": AWS's default (instance); Fargate needs "ip"
  std::string protocol_version;
  Elbv2HealthCheck health_check;
  std::map<std::string, std::string> tags;
};

// By load balancer, ARNs or names (one of them); none lists every group.
struct Elbv2DescribeTargetGroupsRequest {
  std::string load_balancer_arn;
  std::vector<std::string> arns;
  std::vector<std::string> names;
  int64_t page_size = 0;
};

// ---- Listeners, rules and their actions. ----

struct Elbv2TargetGroupTuple {
  std::string target_group_arn;
  std::optional<int64_t> weight;  // 0..999
};

// A forward action's target groups with weights (blue/green traffic split).
struct Elbv2ForwardConfig {
  std::vector<Elbv2TargetGroupTuple> target_groups;
  std::optional<bool> stickiness_enabled;
  std::optional<int64_t> stickiness_duration_seconds;
};

struct Elbv2FixedResponseConfig {
  std::string status_code;   // "200".."599"
  std::string content_type;  // "text/plain", "application/json", ...; optional
  std::string message_body;  // optional
};

struct Elbv2RedirectConfig {
  std::string status_code;  // "HTTP_301", "HTTP_302"
  std::string protocol;     // "#{protocol}", "HTTP", "HTTPS"; optional
  std::string port;         // optional
  std::string host;         // optional
  std::string path;         // optional
  std::string query;        // optional
};

// A listener's or rule's action. Type "forward" uses target_group_arn (one
// group) or forward_config (weighted groups; the service may report both);
// "fixed-response" uses fixed_response; "redirect" uses redirect.
struct Elbv2Action {
  std::string type;
  std::optional<int64_t> order;
  std::string target_group_arn;
  std::optional<Elbv2ForwardConfig> forward_config;
  std::optional<Elbv2FixedResponseConfig> fixed_response;
  std::optional<Elbv2RedirectConfig> redirect;
};

struct Elbv2Listener {
  std::string arn;
  std::string load_balancer_arn;
  std::optional<int64_t> port;
  std::string protocol;    // "HTTP", "HTTPS", "TCP", ...
  std::string ssl_policy;  // HTTPS/TLS only
  std::vector<std::string> certificate_arns;
  std::vector<Elbv2Action> default_actions;
};

struct Elbv2CreateListenerRequest {
  std::string load_balancer_arn;
  std::string protocol;
  std::optional<int64_t> port;
  std::string ssl_policy;                     // HTTPS/TLS; "": AWS's default
  std::vector<std::string> certificate_arns;  // HTTPS/TLS: the first is the default
  std::vector<Elbv2Action> default_actions;
  std::map<std::string, std::string> tags;
};

// Changes the fields given; unset or empty fields keep their value.
struct Elbv2ModifyListenerRequest {
  std::string listener_arn;
  std::optional<int64_t> port;
  std::optional<std::string> protocol;
  std::optional<std::string> ssl_policy;
  std::vector<std::string> certificate_arns;
  std::vector<Elbv2Action> default_actions;
};

struct Elbv2DescribeListenersRequest {
  std::string load_balancer_arn;  // or:
  std::vector<std::string> arns;
  int64_t page_size = 0;
};

// A rule's condition. `values` are the condition's values, sent in
// <Field>Config (HostHeaderConfig, PathPatternConfig, HttpHeaderConfig,
// HttpRequestMethodConfig, SourceIpConfig; QueryStringConfig uses
// `query_string` instead); read back from <Field>Config or the legacy Values.
struct Elbv2RuleCondition {
  // "host-header", "path-pattern", "http-header", "http-request-method",
  // "query-string", "source-ip".
  std::string field;
  std::vector<std::string> values;
  std::string http_header_name;                                   // http-header only
  std::vector<std::pair<std::string, std::string>> query_string;  // query-string only
};

struct Elbv2Rule {
  std::string arn;
  std::string priority;  // "1".."50000", or "default"
  bool is_default = false;
  std::vector<Elbv2RuleCondition> conditions;
  std::vector<Elbv2Action> actions;
};

struct Elbv2CreateRuleRequest {
  std::string listener_arn;
  int64_t priority = 0;  // 1..50000, unique per listener
  std::vector<Elbv2RuleCondition> conditions;
  std::vector<Elbv2Action> actions;
  std::map<std::string, std::string> tags;
};

// Replaces the rule's conditions and/or actions; an empty list keeps them.
struct Elbv2ModifyRuleRequest {
  std::string rule_arn;
  std::vector<Elbv2RuleCondition> conditions;
  std::vector<Elbv2Action> actions;
};

struct Elbv2DescribeRulesRequest {
  std::string listener_arn;  // or:
  std::vector<std::string> arns;
  int64_t page_size = 0;
};

// ---- Targets. ----

struct Elbv2Target {
  std::string id;  // an IP address for target type ip
  std::optional<int64_t> port;
  std::string availability_zone;  // optional ("all" for IPs outside the VPC)
};

struct Elbv2TargetHealthDescription {
  Elbv2Target target;
  std::string health_check_port;
  // "initial", "healthy", "unhealthy", "unused", "draining", "unavailable".
  std::string state;
  std::string reason;  // "Elb.RegistrationInProgress", "Target.NotInUse", ...
  std::string description;
};

}  // namespace wharf::aws
