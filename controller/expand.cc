#include "controller/expand.h"

#include "common/model/struct_path.h"

#include <algorithm>
#include <map>

namespace wharf::controller {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

// Defaults (docs/RESOURCES.md, "Defaults").
constexpr int kDeregistrationDelay = 15;
constexpr int kGracePeriod = 60;
constexpr int kLogRetentionDays = 30;
constexpr int kKeepRevisions = 5;
constexpr int kKeepImages = 30;
constexpr int kListenerPort = 80;
constexpr int kTestListenerPort = 8080;
constexpr const char* kExecutionPolicy =
    "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

Value* At(Struct* s, const std::string& path) { return model::MutablePath(s, path); }

// Builds one Resource of the graph.
class Builder {
 public:
  Builder(const v1::AppSpec& spec, v1::ResourceKind kind, const std::string& name) {
    r_.mutable_ref()->set_kind(kind);
    r_.mutable_ref()->set_name(name);
    r_.set_app(spec.name());
  }
  Builder& Str(const std::string& path, const std::string& v) {
    At(r_.mutable_properties(), path)->set_string_value(v);
    return *this;
  }
  Builder& Num(const std::string& path, double v) {
    At(r_.mutable_properties(), path)->set_number_value(v);
    return *this;
  }
  Builder& Bool(const std::string& path, bool v) {
    At(r_.mutable_properties(), path)->set_bool_value(v);
    return *this;
  }
  Builder& List(const std::string& path, std::vector<std::string> v, bool sort) {
    if (sort) std::sort(v.begin(), v.end());
    auto* list = At(r_.mutable_properties(), path)->mutable_list_value();
    for (const auto& item : v) list->add_values()->set_string_value(item);
    return *this;
  }
  Builder& Map(const std::string& path, const std::map<std::string, std::string>& v) {
    auto* fields = At(r_.mutable_properties(), path)->mutable_struct_value()->mutable_fields();
    for (const auto& [k, item] : v) (*fields)[k].set_string_value(item);
    return *this;
  }
  // `path` <- output of another resource (which this one then depends on).
  Builder& In(const std::string& path, v1::ResourceKind kind, const std::string& name,
              const std::string& output) {
    (*r_.mutable_inputs())[path] = RefKey(kind, name) + "." + output;
    return Needs(kind, name);
  }
  // `path` <- a template: "{KIND/name.output}" parts replaced, text kept.
  Builder& Template(const std::string& path, const std::string& text,
                    std::vector<std::pair<v1::ResourceKind, std::string>> needs) {
    (*r_.mutable_inputs())[path] = text;
    for (const auto& [kind, name] : needs) Needs(kind, name);
    return *this;
  }
  Builder& Needs(v1::ResourceKind kind, const std::string& name) {
    for (const auto& d : r_.depends_on()) {
      if (d.kind() == kind && d.name() == name) return *this;
    }
    auto* dep = r_.add_depends_on();
    dep->set_kind(kind);
    dep->set_name(name);
    return *this;
  }
  Builder& Tags(const std::map<std::string, std::string>& tags) {
    for (const auto& [k, v] : tags) (*r_.mutable_tags())[k] = v;
    return Map("tags", tags);
  }
  v1::Resource Done() { return std::move(r_); }

 private:
  v1::Resource r_;
};

std::map<std::string, std::string> ManagedTags(const v1::AppSpec& spec) {
  std::map<std::string, std::string> tags(spec.tags().begin(), spec.tags().end());
  tags[kTagApp] = spec.name();
  tags[kTagManagedBy] = kManagedByValue;
  return tags;
}

std::vector<std::string> Strings(const google::protobuf::RepeatedPtrField<std::string>& v) {
  return {v.begin(), v.end()};
}

template <typename T>
T Or(T v, T fallback) {
  return v != T{} ? v : fallback;
}

// The image lives outside the app's ECR repository (marked external, or
// given by URI only).
bool ExternalImage(const v1::AppSpec& spec) {
  return spec.image().external() || spec.image().repository().empty();
}

bool BlueGreen(const v1::AppSpec& spec) {
  auto s = spec.deployment().strategy();
  return s == v1::BLUE_GREEN || s == v1::CANARY || s == v1::LINEAR;
}

// Target group traffic goes to (the blue one for blue/green).
std::string LiveTargetGroup(const v1::AppSpec& spec) {
  return BlueGreen(spec) ? TargetGroupName(spec, "blue") : TargetGroupName(spec);
}

struct AlarmMetricInfo {
  const char* ns;
  const char* metric;
  const char* statistic;
  bool load_balancer;  // LoadBalancer dimension
  bool target_group;   // TargetGroup dimension
  bool service;        // ClusterName + ServiceName dimensions
};

AlarmMetricInfo MetricInfo(v1::AlarmMetric metric) {
  switch (metric) {
    case v1::TARGET_5XX_COUNT:
      return {"AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", true, true, false};
    case v1::ELB_5XX_COUNT:
      return {"AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", true, false, false};
    case v1::TARGET_RESPONSE_TIME:
      return {"AWS/ApplicationELB", "TargetResponseTime", "Average", true, true, false};
    case v1::UNHEALTHY_HOST_COUNT:
      return {"AWS/ApplicationELB", "UnHealthyHostCount", "Maximum", true, true, false};
    case v1::MEMORY_UTILIZATION:
      return {"AWS/ECS", "MemoryUtilization", "Average", false, false, true};
    case v1::CPU_UTILIZATION:
    default:
      return {"AWS/ECS", "CPUUtilization", "Average", false, false, true};
  }
}

void AddPreflight(const v1::AppSpec& spec, std::vector<v1::Resource>* out) {
  Builder b(spec, v1::PREFLIGHT, spec.name() + "-preflight");
  if (!ExternalImage(spec)) {
    b.Str("image.repository", spec.image().repository())
        .Str("image.tag",
             spec.image().digest().empty() ? Or<std::string>(spec.image().tag(), "latest") : "")
        .Str("image.digest", spec.image().digest());
  }
  std::vector<std::string> secrets;
  for (const auto& [name, arn] : spec.container().secrets()) secrets.push_back(arn);
  b.List("secret_arns", secrets, true);
  std::vector<std::string> roles;
  if (!spec.iam().execution_role_arn().empty()) roles.push_back(spec.iam().execution_role_arn());
  if (!spec.iam().task_role_arn().empty()) roles.push_back(spec.iam().task_role_arn());
  b.List("role_arns", roles, true);
  std::vector<std::string> groups;
  if (!spec.load_balancer().disabled()) {
    const std::string port = std::to_string(spec.container().port());
    if (BlueGreen(spec)) {
      groups = {TargetGroupName(spec, "blue") + ":" + port,
                TargetGroupName(spec, "green") + ":" + port};
    } else {
      groups = {TargetGroupName(spec) + ":" + port};
    }
  }
  b.List("target_groups", groups, true);
  out->push_back(b.Done());
}

void AddNetwork(const v1::AppSpec& spec, std::vector<v1::Resource>* out) {
  const auto& net = spec.network();
  out->push_back(Builder(spec, v1::VPC, NetworkName(spec))
                     .Str("vpc", net.vpc())
                     .List("public_subnets", Strings(net.public_subnets()), true)
                     .List("task_subnets", Strings(net.task_subnets()), true)
                     .Done());
}

void AddSecurityGroups(const v1::AppSpec& spec, const std::map<std::string, std::string>& tags,
                       std::vector<v1::Resource>* out) {
  const bool lb = !spec.load_balancer().disabled();
  auto group = [&](const std::string& name, const std::string& what) {
    out->push_back(Builder(spec, v1::SECURITY_GROUP, name)
                       .Str("name", name)
                       .Str("description", "Wharf: " + what + " of " + spec.name())
                       .In("vpc_id", v1::VPC, NetworkName(spec), "vpc_id")
                       .Tags(tags)
                       .Done());
  };
  if (lb) group(AlbSecurityGroupName(spec), "load balancer");
  group(TaskSecurityGroupName(spec), "tasks");
  if (!lb) return;

  std::vector<int> ports = {Or(spec.load_balancer().listener_port(), kListenerPort)};
  if (!spec.load_balancer().certificate_arn().empty()) ports.push_back(443);
  if (BlueGreen(spec)) {
    ports.push_back(Or(spec.load_balancer().test_listener_port(), kTestListenerPort));
  }
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  const std::string cidr = spec.load_balancer().internal() ? "10.0.0.0/8" : "0.0.0.0/0";
  for (int port : ports) {
    out->push_back(Builder(spec, v1::SECURITY_GROUP_INGRESS,
                           AlbSecurityGroupName(spec) + "-" + std::to_string(port))
                       .In("group_id", v1::SECURITY_GROUP, AlbSecurityGroupName(spec), "id")
                       .Str("protocol", "tcp")
                       .Num("from_port", port)
                       .Num("to_port", port)
                       .Str("cidr_ipv4", cidr)
                       .Str("description", "Wharf: clients of " + spec.name())
                       .Done());
  }
  const int port = spec.container().port();
  out->push_back(Builder(spec, v1::SECURITY_GROUP_INGRESS,
                         TaskSecurityGroupName(spec) + "-" + std::to_string(port))
                     .In("group_id", v1::SECURITY_GROUP, TaskSecurityGroupName(spec), "id")
                     .Str("protocol", "tcp")
                     .Num("from_port", port)
                     .Num("to_port", port)
                     .In("source_group_id", v1::SECURITY_GROUP, AlbSecurityGroupName(spec), "id")
                     .Str("description", "Wharf: load balancer of " + spec.name())
                     .Done());
}

void AddLoadBalancing(const v1::AppSpec& spec, const std::map<std::string, std::string>& tags,
                      std::vector<v1::Resource>* out) {
  const auto& lb = spec.load_balancer();
  Builder alb(spec, v1::LOAD_BALANCER, LoadBalancerName(spec));
  alb.Str("name", LoadBalancerName(spec))
      .Str("type", "application")
      .Str("scheme", lb.internal() ? "internal" : "internet-facing")
      .In("subnets[]", v1::VPC, NetworkName(spec), "public_subnet_ids")
      .In("security_groups[]", v1::SECURITY_GROUP, AlbSecurityGroupName(spec), "id")
      .Tags(tags);
  if (lb.idle_timeout_seconds() > 0) alb.Num("idle_timeout_seconds", lb.idle_timeout_seconds());
  out->push_back(alb.Done());

  std::vector<std::string> groups;
  if (BlueGreen(spec)) {
    groups = {TargetGroupName(spec, "blue"), TargetGroupName(spec, "green")};
  } else {
    groups = {TargetGroupName(spec)};
  }
  const auto& hc = lb.health_check();
  for (const auto& name : groups) {
    out->push_back(Builder(spec, v1::TARGET_GROUP, name)
                       .Str("name", name)
                       .Str("protocol", "HTTP")
                       .Num("port", spec.container().port())
                       .In("vpc_id", v1::VPC, NetworkName(spec), "vpc_id")
                       .Str("target_type", "ip")
                       .Str("health_check.path", Or<std::string>(hc.path(), "/"))
                       .Num("health_check.interval_seconds", Or(hc.interval_seconds(), 10))
                       .Num("health_check.timeout_seconds", Or(hc.timeout_seconds(), 5))
                       .Num("health_check.healthy_threshold", Or(hc.healthy_threshold(), 2))
                       .Num("health_check.unhealthy_threshold", Or(hc.unhealthy_threshold(), 3))
                       .Str("health_check.matcher", Or<std::string>(hc.matcher(), "200-399"))
                       .Num("deregistration_delay_seconds", lb.has_deregistration_delay_seconds()
                                                                ? lb.deregistration_delay_seconds()
                                                                : kDeregistrationDelay)
                       .Tags(tags)
                       .Done());
  }

  auto listener = [&](const std::string& name, int port, const std::string& protocol,
                      const std::string& target_group) {
    Builder b(spec, v1::LISTENER, name);
    b.In("load_balancer_arn", v1::LOAD_BALANCER, LoadBalancerName(spec), "arn")
        .Num("port", port)
        .Str("protocol", protocol)
        .In("default_target_group_arn", v1::TARGET_GROUP, target_group, "arn");
    if (protocol == "HTTPS") b.Str("certificate_arn", lb.certificate_arn());
    out->push_back(b.Done());
  };
  listener(spec.name() + "-http", Or(lb.listener_port(), kListenerPort), "HTTP",
           LiveTargetGroup(spec));
  if (!lb.certificate_arn().empty()) {
    listener(spec.name() + "-https", 443, "HTTPS", LiveTargetGroup(spec));
  }
  if (BlueGreen(spec)) {
    listener(spec.name() + "-test", Or(lb.test_listener_port(), kTestListenerPort), "HTTP",
             TargetGroupName(spec, "green"));
  }
}

void AddSupport(const v1::AppSpec& spec, const std::map<std::string, std::string>& tags,
                std::vector<v1::Resource>* out) {
  if (!ExternalImage(spec)) {
    out->push_back(Builder(spec, v1::ECR_REPOSITORY, spec.image().repository())
                       .Str("name", spec.image().repository())
                       .Str("image_tag_mutability", "MUTABLE")
                       .Num("keep_images", Or(spec.retention().keep_images(), kKeepImages))
                       .Tags(tags)
                       .Done());
  }
  out->push_back(
      Builder(spec, v1::LOG_GROUP, LogGroupName(spec))
          .Str("name", LogGroupName(spec))
          .Num("retention_days", Or(spec.retention().log_retention_days(), kLogRetentionDays))
          .Tags(tags)
          .Done());
  if (spec.iam().execution_role_arn().empty()) {
    std::vector<std::string> secrets;
    for (const auto& [name, arn] : spec.container().secrets()) secrets.push_back(arn);
    out->push_back(Builder(spec, v1::IAM_ROLE, ExecutionRoleName(spec))
                       .Str("name", ExecutionRoleName(spec))
                       .Str("trusted_service", "ecs-tasks.amazonaws.com")
                       .List("managed_policies", {kExecutionPolicy}, true)
                       .List("secret_arns", secrets, true)
                       .Tags(tags)
                       .Done());
  }
  if (spec.iam().task_role_arn().empty() && !spec.iam().task_role_policies().empty()) {
    out->push_back(Builder(spec, v1::IAM_ROLE, TaskRoleName(spec))
                       .Str("name", TaskRoleName(spec))
                       .Str("trusted_service", "ecs-tasks.amazonaws.com")
                       .List("managed_policies", Strings(spec.iam().task_role_policies()), true)
                       .Tags(tags)
                       .Done());
  }
  out->push_back(Builder(spec, v1::ECS_CLUSTER, ClusterName(spec))
                     .Str("name", ClusterName(spec))
                     .Tags(tags)
                     .Done());
}

std::string CpuArchitecture(const v1::AppSpec& spec) {
  return spec.compute().architecture() == v1::ARM64 ? "ARM64" : "X86_64";
}

void AddTaskDefinition(const v1::AppSpec& spec, const ExpandOptions& options,
                       const std::map<std::string, std::string>& tags,
                       std::vector<v1::Resource>* out) {
  const auto& c = spec.container();
  Builder td(spec, v1::TASK_DEFINITION, TaskFamily(spec));
  td.Str("family", TaskFamily(spec))
      .Str("cpu", std::to_string(spec.compute().cpu()))
      .Str("memory", std::to_string(spec.compute().memory()))
      .Str("network_mode", "awsvpc")
      .List("requires_compatibilities", {"FARGATE"}, false)
      .Str("cpu_architecture", CpuArchitecture(spec));
  if (spec.compute().ephemeral_storage_gib() > 0) {
    td.Num("ephemeral_storage_gib", spec.compute().ephemeral_storage_gib());
  }
  if (spec.iam().execution_role_arn().empty()) {
    td.In("execution_role_arn", v1::IAM_ROLE, ExecutionRoleName(spec), "arn");
  } else {
    td.Str("execution_role_arn", spec.iam().execution_role_arn());
  }
  if (!spec.iam().task_role_arn().empty()) {
    td.Str("task_role_arn", spec.iam().task_role_arn());
  } else if (!spec.iam().task_role_policies().empty()) {
    td.In("task_role_arn", v1::IAM_ROLE, TaskRoleName(spec), "arn");
  }

  // The image: the repository's URI (known once it exists) and the digest,
  // else the tag.
  const auto& image = spec.image();
  const std::string pin =
      image.digest().empty() ? ":" + Or<std::string>(image.tag(), "latest") : "@" + image.digest();
  if (ExternalImage(spec)) {
    td.Str("container.image", image.uri() + pin);
  } else {
    td.Template("container.image",
                "{" + RefKey(v1::ECR_REPOSITORY, image.repository()) + ".uri}" + pin,
                {{v1::ECR_REPOSITORY, image.repository()}});
  }
  td.Str("container.name", kContainerName).Num("container.port", c.port());
  td.List("container.command", Strings(c.command()), false)
      .List("container.entrypoint", Strings(c.entrypoint()), false)
      .Map("container.environment", {c.environment().begin(), c.environment().end()})
      .Map("container.secrets", {c.secrets().begin(), c.secrets().end()})
      .Str("container.working_directory", c.working_directory())
      .Str("container.user", c.user());
  if (c.stop_timeout_seconds() > 0)
    td.Num("container.stop_timeout_seconds", c.stop_timeout_seconds());
  if (c.has_health_check() && !c.health_check().command().empty()) {
    const auto& hc = c.health_check();
    td.List("container.health_check.command", Strings(hc.command()), false)
        .Num("container.health_check.interval_seconds", Or(hc.interval_seconds(), 30))
        .Num("container.health_check.timeout_seconds", Or(hc.timeout_seconds(), 5))
        .Num("container.health_check.retries", Or(hc.retries(), 3))
        .Num("container.health_check.start_period_seconds", hc.start_period_seconds());
  }
  td.Str("container.log_group", LogGroupName(spec))
      .Needs(v1::LOG_GROUP, LogGroupName(spec))
      .Str("container.log_region", options.region)
      .Str("container.log_stream_prefix", kContainerName)
      .Num("keep_revisions", Or(spec.retention().keep_task_revisions(), kKeepRevisions))
      .Tags(tags);
  v1::Resource r = td.Done();
  r.set_content_hash(ContentHash(r));
  out->push_back(std::move(r));
}

void AddService(const v1::AppSpec& spec, const std::map<std::string, std::string>& tags,
                std::vector<v1::Resource>* out) {
  const bool lb = !spec.load_balancer().disabled();
  const auto& d = spec.deployment();
  Builder svc(spec, v1::ECS_SERVICE, ServiceName(spec));
  svc.Str("name", ServiceName(spec))
      .Str("cluster", ClusterName(spec))
      .Needs(v1::ECS_CLUSTER, ClusterName(spec))
      .In("task_definition_arn", v1::TASK_DEFINITION, TaskFamily(spec), "arn")
      .Str("launch_type", "FARGATE");
  const int desired = spec.scaling().has_desired_count() ? spec.scaling().desired_count() : 1;
  if (spec.scaling().has_autoscaling()) {
    // The autoscaler owns the count once it exists; Wharf sets it only once.
    svc.Num("create_only.desired_count", std::max(desired, spec.scaling().autoscaling().min()));
  } else {
    svc.Num("desired_count", desired);
  }
  if (lb) {
    svc.In("load_balancer.target_group_arn", v1::TARGET_GROUP, LiveTargetGroup(spec), "arn")
        .Str("load_balancer.container_name", kContainerName)
        .Num("load_balancer.container_port", spec.container().port())
        // ECS refuses a target group that no listener forwards to.
        .Needs(v1::LISTENER, spec.name() + "-http")
        .Num("health_check_grace_period_seconds",
             Or(d.health_check_grace_period_seconds(), kGracePeriod));
  }
  svc.In("network.subnets[]", v1::VPC, NetworkName(spec), "task_subnet_ids")
      .In("network.security_groups[]", v1::SECURITY_GROUP, TaskSecurityGroupName(spec), "id")
      .Str("network.assign_public_ip", spec.network().assign_public_ip() ? "ENABLED" : "DISABLED")
      .Num("deployment.minimum_healthy_percent",
           d.has_minimum_healthy_percent() ? d.minimum_healthy_percent() : 100)
      .Num("deployment.maximum_percent", d.has_maximum_percent() ? d.maximum_percent() : 200)
      .Bool("deployment.circuit_breaker", !d.disable_circuit_breaker())
      .Bool("deployment.rollback", !d.disable_circuit_breaker() && !d.disable_auto_rollback())
      .Tags(tags);
  if (lb) {
    svc.Needs(v1::SECURITY_GROUP_INGRESS,
              TaskSecurityGroupName(spec) + "-" + std::to_string(spec.container().port()));
  }
  out->push_back(svc.Done());
}

void AddScaling(const v1::AppSpec& spec, std::vector<v1::Resource>* out) {
  if (!spec.scaling().has_autoscaling()) return;
  const auto& as = spec.scaling().autoscaling();
  out->push_back(Builder(spec, v1::SCALABLE_TARGET, ScalingResourceId(spec))
                     .Str("resource_id", ScalingResourceId(spec))
                     .Str("scalable_dimension", "ecs:service:DesiredCount")
                     .Num("min_capacity", as.min())
                     .Num("max_capacity", as.max())
                     .Needs(v1::ECS_SERVICE, ServiceName(spec))
                     .Done());
  auto policy = [&](const std::string& name, const std::string& metric, int target) {
    Builder b(spec, v1::SCALING_POLICY, name);
    b.Str("policy_name", name)
        .Str("resource_id", ScalingResourceId(spec))
        .Str("metric", metric)
        .Num("target_value", target)
        .Num("scale_in_cooldown_seconds", Or(as.scale_in_cooldown_seconds(), 300))
        .Num("scale_out_cooldown_seconds", Or(as.scale_out_cooldown_seconds(), 60))
        .Needs(v1::SCALABLE_TARGET, ScalingResourceId(spec));
    if (metric == "ALBRequestCountPerTarget") {
      b.Template(
          "resource_label",
          "{" + RefKey(v1::LOAD_BALANCER, LoadBalancerName(spec)) + ".arn_suffix}/{" +
              RefKey(v1::TARGET_GROUP, LiveTargetGroup(spec)) + ".arn_suffix}",
          {{v1::LOAD_BALANCER, LoadBalancerName(spec)}, {v1::TARGET_GROUP, LiveTargetGroup(spec)}});
    }
    out->push_back(b.Done());
  };
  if (as.target_cpu_percent() > 0) {
    policy(spec.name() + "-cpu", "ECSServiceAverageCPUUtilization", as.target_cpu_percent());
  }
  if (as.target_requests_per_target() > 0 && !spec.load_balancer().disabled()) {
    policy(spec.name() + "-requests", "ALBRequestCountPerTarget", as.target_requests_per_target());
  }
}

void AddAlarms(const v1::AppSpec& spec, const std::map<std::string, std::string>& tags,
               std::vector<v1::Resource>* out) {
  for (const auto& alarm : spec.alarms()) {
    AlarmMetricInfo info = MetricInfo(alarm.metric());
    if ((info.load_balancer || info.target_group) && spec.load_balancer().disabled()) continue;
    const std::string name = AlarmName(spec, alarm.name());
    Builder b(spec, v1::METRIC_ALARM, name);
    b.Str("alarm_name", name)
        .Str("namespace", info.ns)
        .Str("metric_name", info.metric)
        .Str("statistic", info.statistic)
        .Num("threshold", alarm.threshold())
        .Num("period_seconds", Or(alarm.period_seconds(), 60))
        .Num("evaluation_periods", Or(alarm.evaluation_periods(), 1))
        .Str("comparison_operator", "GreaterThanThreshold")
        .Str("treat_missing_data", "notBreaching")
        .Tags(tags);
    if (info.load_balancer) {
      b.In("dimensions.LoadBalancer", v1::LOAD_BALANCER, LoadBalancerName(spec), "arn_suffix");
    }
    if (info.target_group) {
      b.In("dimensions.TargetGroup", v1::TARGET_GROUP, LiveTargetGroup(spec), "arn_suffix");
    }
    if (info.service) {
      b.Str("dimensions.ClusterName", ClusterName(spec))
          .Str("dimensions.ServiceName", ServiceName(spec))
          .Needs(v1::ECS_SERVICE, ServiceName(spec));
    }
    out->push_back(b.Done());
  }
}

}  // namespace

std::string RefKey(v1::ResourceKind kind, const std::string& name) {
  return v1::ResourceKind_Name(kind) + "/" + name;
}

std::string RefKey(const v1::ResourceRef& ref) { return RefKey(ref.kind(), ref.name()); }

std::string ContentHash(const v1::Resource& resource) {
  v1::Resource canonical;
  *canonical.mutable_properties() = resource.properties();
  canonical.mutable_properties()->mutable_fields()->erase("tags");
  canonical.mutable_properties()->mutable_fields()->erase("keep_revisions");
  *canonical.mutable_inputs() = resource.inputs();
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  canonical.SerializeToCodedStream(&coded);
  coded.Trim();
  return Sha256Hex(bytes);
}

std::vector<v1::Resource> Expand(const v1::AppSpec& spec, const ExpandOptions& options) {
  const auto tags = ManagedTags(spec);
  std::vector<v1::Resource> out;
  AddPreflight(spec, &out);
  AddNetwork(spec, &out);
  AddSecurityGroups(spec, tags, &out);
  if (!spec.load_balancer().disabled()) AddLoadBalancing(spec, tags, &out);
  AddSupport(spec, tags, &out);
  AddTaskDefinition(spec, options, tags, &out);
  AddService(spec, tags, &out);
  AddScaling(spec, &out);
  AddAlarms(spec, tags, &out);
  return out;
}

}  // namespace wharf::controller
