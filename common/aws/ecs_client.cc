#include "common/aws/ecs_client.h"

#include <utility>

#include "common/aws/json_call.h"

namespace wharf::aws {
namespace {

using json_call::Array;
using json_call::Bool;
using json_call::Int;
using json_call::Int32;
using json_call::Object;
using json_call::OptionalBool;
using json_call::OptionalInt32;
using json_call::RequiredObject;
using json_call::RequiredString;
using json_call::String;
using json_call::Strings;
using json_call::TimestampMs;
using nlohmann::json;

const AwsService& Ecs() { return services::kEcs; }

// ---------------------------------------------------------------------------
// Encoding: Wharf's types -> ECS's request members.

json EncodeTags(const std::map<std::string, std::string>& tags) {
  return json_call::TagListJson(tags, "key", "value");
}

json NameValueList(const std::map<std::string, std::string>& values, const char* value_name) {
  json list = json::array();
  for (const auto& [name, value] : values) list.push_back({{"name", name}, {value_name, value}});
  return list;
}

json Encode(const EcsPortMapping& p) {
  json j = {{"containerPort", p.container_port}};
  if (p.host_port) j["hostPort"] = *p.host_port;
  if (!p.protocol.empty()) j["protocol"] = p.protocol;
  if (!p.name.empty()) j["name"] = p.name;
  if (!p.app_protocol.empty()) j["appProtocol"] = p.app_protocol;
  return j;
}

json Encode(const EcsHealthCheck& h) {
  json j = {{"command", h.command}};
  if (h.interval_seconds) j["interval"] = *h.interval_seconds;
  if (h.timeout_seconds) j["timeout"] = *h.timeout_seconds;
  if (h.retries) j["retries"] = *h.retries;
  if (h.start_period_seconds) j["startPeriod"] = *h.start_period_seconds;
  return j;
}

json Encode(const EcsContainerDefinition& c) {
  json j = {{"name", c.name}, {"image", c.image}};
  if (c.cpu != 0) j["cpu"] = c.cpu;
  if (c.memory) j["memory"] = *c.memory;
  if (c.memory_reservation) j["memoryReservation"] = *c.memory_reservation;
  if (c.essential) j["essential"] = *c.essential;
  if (!c.entry_point.empty()) j["entryPoint"] = c.entry_point;
  if (!c.command.empty()) j["command"] = c.command;
  if (!c.environment.empty()) j["environment"] = NameValueList(c.environment, "value");
  if (!c.secrets.empty()) j["secrets"] = NameValueList(c.secrets, "valueFrom");
  if (!c.port_mappings.empty()) {
    json& list = j["portMappings"] = json::array();
    for (const EcsPortMapping& p : c.port_mappings) list.push_back(Encode(p));
  }
  if (c.log_configuration) {
    j["logConfiguration"] = {{"logDriver", c.log_configuration->log_driver}};
    if (!c.log_configuration->options.empty()) {
      j["logConfiguration"]["options"] = c.log_configuration->options;
    }
  }
  if (c.health_check) j["healthCheck"] = Encode(*c.health_check);
  if (!c.working_directory.empty()) j["workingDirectory"] = c.working_directory;
  if (!c.user.empty()) j["user"] = c.user;
  if (c.stop_timeout_seconds) j["stopTimeout"] = *c.stop_timeout_seconds;
  if (!c.docker_labels.empty()) j["dockerLabels"] = c.docker_labels;
  if (c.readonly_root_filesystem) j["readonlyRootFilesystem"] = *c.readonly_root_filesystem;
  return j;
}

json EncodeRegistration(const EcsTaskDefinition& d) {
  json containers = json::array();
  for (const EcsContainerDefinition& c : d.containers) containers.push_back(Encode(c));
  json j = {{"family", d.family}, {"containerDefinitions", std::move(containers)}};
  if (!d.cpu.empty()) j["cpu"] = d.cpu;
  if (!d.memory.empty()) j["memory"] = d.memory;
  if (!d.network_mode.empty()) j["networkMode"] = d.network_mode;
  if (!d.requires_compatibilities.empty()) {
    j["requiresCompatibilities"] = d.requires_compatibilities;
  }
  if (!d.execution_role_arn.empty()) j["executionRoleArn"] = d.execution_role_arn;
  if (!d.task_role_arn.empty()) j["taskRoleArn"] = d.task_role_arn;
  if (d.ephemeral_storage_gib) j["ephemeralStorage"] = {{"sizeInGiB", *d.ephemeral_storage_gib}};
  if (!d.cpu_architecture.empty() || !d.operating_system_family.empty()) {
    json& platform = j["runtimePlatform"] = json::object();
    if (!d.cpu_architecture.empty()) platform["cpuArchitecture"] = d.cpu_architecture;
    if (!d.operating_system_family.empty()) {
      platform["operatingSystemFamily"] = d.operating_system_family;
    }
  }
  if (!d.tags.empty()) j["tags"] = EncodeTags(d.tags);
  return j;
}

json Encode(const EcsNetworkConfiguration& n) {
  json vpc = {{"subnets", n.subnets},
              {"assignPublicIp", n.assign_public_ip ? "ENABLED" : "DISABLED"}};
  if (!n.security_groups.empty()) vpc["securityGroups"] = n.security_groups;
  return {{"awsvpcConfiguration", std::move(vpc)}};
}

json Encode(const std::vector<EcsLoadBalancer>& load_balancers) {
  json list = json::array();
  for (const EcsLoadBalancer& lb : load_balancers) {
    json j = json::object();
    if (!lb.target_group_arn.empty()) j["targetGroupArn"] = lb.target_group_arn;
    if (!lb.load_balancer_name.empty()) j["loadBalancerName"] = lb.load_balancer_name;
    if (!lb.container_name.empty()) j["containerName"] = lb.container_name;
    if (lb.container_port != 0) j["containerPort"] = lb.container_port;
    list.push_back(std::move(j));
  }
  return list;
}

json Encode(const EcsDeploymentConfiguration& d) {
  json j = json::object();
  if (d.maximum_percent) j["maximumPercent"] = *d.maximum_percent;
  if (d.minimum_healthy_percent) j["minimumHealthyPercent"] = *d.minimum_healthy_percent;
  if (d.circuit_breaker) {
    j["deploymentCircuitBreaker"] = {{"enable", d.circuit_breaker->enable},
                                     {"rollback", d.circuit_breaker->rollback}};
  }
  return j;
}

json Encode(const EcsScale& s) { return {{"value", s.value}, {"unit", s.unit}}; }

json Encode(const EcsTaskOverride& o) {
  json containers = json::array();
  for (const EcsContainerOverride& c : o.container_overrides) {
    json j = {{"name", c.name}};
    if (!c.command.empty()) j["command"] = c.command;
    if (!c.environment.empty()) j["environment"] = NameValueList(c.environment, "value");
    if (c.cpu) j["cpu"] = *c.cpu;
    if (c.memory) j["memory"] = *c.memory;
    if (c.memory_reservation) j["memoryReservation"] = *c.memory_reservation;
    containers.push_back(std::move(j));
  }
  json j = {{"containerOverrides", std::move(containers)}};
  if (!o.cpu.empty()) j["cpu"] = o.cpu;
  if (!o.memory.empty()) j["memory"] = o.memory;
  if (!o.execution_role_arn.empty()) j["executionRoleArn"] = o.execution_role_arn;
  if (!o.task_role_arn.empty()) j["taskRoleArn"] = o.task_role_arn;
  if (o.ephemeral_storage_gib) j["ephemeralStorage"] = {{"sizeInGiB", *o.ephemeral_storage_gib}};
  return j;
}

// ---------------------------------------------------------------------------
// Parsing: ECS's response members -> Wharf's types. Throw MalformedJson (or a
// JSON library exception) on a shape mismatch; the adapters catch.

std::map<std::string, std::string> ParseTags(const json& j) {
  return json_call::TagList(j, "tags", "key", "value");
}

std::map<std::string, std::string> NameValueMap(const json& j, const char* key,
                                                const char* value_name) {
  std::map<std::string, std::string> out;
  for (const json& item : Array(j, key))
    out[RequiredString(item, "name")] = String(item, value_name);
  return out;
}

std::vector<EcsFailure> Failures(const json& r) {
  std::vector<EcsFailure> out;
  for (const json& f : Array(r, "failures")) {
    out.push_back(EcsFailure{String(f, "arn"), String(f, "reason"), String(f, "detail")});
  }
  return out;
}

EcsCluster ParseCluster(const json& j) {
  EcsCluster c;
  c.arn = String(j, "clusterArn");
  c.name = String(j, "clusterName");
  c.status = String(j, "status");
  c.active_services_count = Int(j, "activeServicesCount");
  c.running_tasks_count = Int(j, "runningTasksCount");
  c.pending_tasks_count = Int(j, "pendingTasksCount");
  c.tags = ParseTags(j);
  return c;
}

EcsPortMapping ParsePortMapping(const json& j) {
  EcsPortMapping p;
  p.container_port = Int32(j, "containerPort");
  p.host_port = OptionalInt32(j, "hostPort");
  p.protocol = String(j, "protocol");
  p.name = String(j, "name");
  p.app_protocol = String(j, "appProtocol");
  return p;
}

EcsContainerDefinition ParseContainerDefinition(const json& j) {
  EcsContainerDefinition c;
  c.name = String(j, "name");
  c.image = String(j, "image");
  c.cpu = Int32(j, "cpu");
  c.memory = OptionalInt32(j, "memory");
  c.memory_reservation = OptionalInt32(j, "memoryReservation");
  c.essential = OptionalBool(j, "essential");
  c.entry_point = Strings(j, "entryPoint");
  c.command = Strings(j, "command");
  c.environment = NameValueMap(j, "environment", "value");
  c.secrets = NameValueMap(j, "secrets", "valueFrom");
  for (const json& p : Array(j, "portMappings")) c.port_mappings.push_back(ParsePortMapping(p));
  if (const json* log = Object(j, "logConfiguration")) {
    c.log_configuration =
        EcsLogConfiguration{String(*log, "logDriver"), json_call::StringMap(*log, "options")};
  }
  if (const json* h = Object(j, "healthCheck")) {
    EcsHealthCheck check;
    check.command = Strings(*h, "command");
    check.interval_seconds = OptionalInt32(*h, "interval");
    check.timeout_seconds = OptionalInt32(*h, "timeout");
    check.retries = OptionalInt32(*h, "retries");
    check.start_period_seconds = OptionalInt32(*h, "startPeriod");
    c.health_check = std::move(check);
  }
  c.working_directory = String(j, "workingDirectory");
  c.user = String(j, "user");
  c.stop_timeout_seconds = OptionalInt32(j, "stopTimeout");
  c.docker_labels = json_call::StringMap(j, "dockerLabels");
  c.readonly_root_filesystem = OptionalBool(j, "readonlyRootFilesystem");
  return c;
}

// A RegisterTaskDefinition / DescribeTaskDefinition / DeregisterTaskDefinition
// response: {"taskDefinition": {...}, "tags": [...]}.
EcsTaskDefinition ParseTaskDefinitionResponse(const json& r) {
  const json& j = RequiredObject(r, "taskDefinition");
  EcsTaskDefinition d;
  d.family = String(j, "family");
  for (const json& c : Array(j, "containerDefinitions")) {
    d.containers.push_back(ParseContainerDefinition(c));
  }
  d.cpu = String(j, "cpu");
  d.memory = String(j, "memory");
  d.network_mode = String(j, "networkMode");
  d.requires_compatibilities = Strings(j, "requiresCompatibilities");
  d.execution_role_arn = String(j, "executionRoleArn");
  d.task_role_arn = String(j, "taskRoleArn");
  if (const json* storage = Object(j, "ephemeralStorage")) {
    d.ephemeral_storage_gib = OptionalInt32(*storage, "sizeInGiB");
  }
  if (const json* platform = Object(j, "runtimePlatform")) {
    d.cpu_architecture = String(*platform, "cpuArchitecture");
    d.operating_system_family = String(*platform, "operatingSystemFamily");
  }
  d.tags = ParseTags(r);
  d.arn = String(j, "taskDefinitionArn");
  d.revision = Int32(j, "revision");
  d.status = String(j, "status");
  d.compatibilities = Strings(j, "compatibilities");
  d.registered_at_ms = TimestampMs(j, "registeredAt");
  d.deregistered_at_ms = TimestampMs(j, "deregisteredAt");
  d.registered_by = String(j, "registeredBy");
  return d;
}

std::optional<EcsNetworkConfiguration> ParseNetwork(const json& j) {
  const json* network = Object(j, "networkConfiguration");
  if (network == nullptr) return std::nullopt;
  const json* vpc = Object(*network, "awsvpcConfiguration");
  if (vpc == nullptr) return std::nullopt;
  EcsNetworkConfiguration n;
  n.subnets = Strings(*vpc, "subnets");
  n.security_groups = Strings(*vpc, "securityGroups");
  n.assign_public_ip = String(*vpc, "assignPublicIp") == "ENABLED";
  return n;
}

std::vector<EcsLoadBalancer> ParseLoadBalancers(const json& j) {
  std::vector<EcsLoadBalancer> out;
  for (const json& lb : Array(j, "loadBalancers")) {
    out.push_back(EcsLoadBalancer{String(lb, "targetGroupArn"), String(lb, "loadBalancerName"),
                                  String(lb, "containerName"), Int32(lb, "containerPort")});
  }
  return out;
}

EcsScale ParseScale(const json& j) {
  EcsScale s;
  if (const json* scale = Object(j, "scale")) {
    s.value = json_call::Double(*scale, "value");
    s.unit = String(*scale, "unit");
  }
  return s;
}

EcsTaskSet ParseTaskSet(const json& j) {
  EcsTaskSet t;
  t.id = String(j, "id");
  t.arn = String(j, "taskSetArn");
  t.service_arn = String(j, "serviceArn");
  t.cluster_arn = String(j, "clusterArn");
  t.started_by = String(j, "startedBy");
  t.external_id = String(j, "externalId");
  t.status = String(j, "status");
  t.task_definition = String(j, "taskDefinition");
  t.computed_desired_count = Int(j, "computedDesiredCount");
  t.pending_count = Int(j, "pendingCount");
  t.running_count = Int(j, "runningCount");
  t.launch_type = String(j, "launchType");
  t.platform_version = String(j, "platformVersion");
  t.network_configuration = ParseNetwork(j);
  t.load_balancers = ParseLoadBalancers(j);
  t.scale = ParseScale(j);
  t.stability_status = String(j, "stabilityStatus");
  t.stability_status_at_ms = TimestampMs(j, "stabilityStatusAt");
  t.created_at_ms = TimestampMs(j, "createdAt");
  t.updated_at_ms = TimestampMs(j, "updatedAt");
  t.tags = ParseTags(j);
  return t;
}

EcsDeployment ParseDeployment(const json& j) {
  EcsDeployment d;
  d.id = String(j, "id");
  d.status = String(j, "status");
  d.task_definition = String(j, "taskDefinition");
  d.desired_count = Int(j, "desiredCount");
  d.pending_count = Int(j, "pendingCount");
  d.running_count = Int(j, "runningCount");
  d.failed_tasks = Int(j, "failedTasks");
  d.rollout_state = String(j, "rolloutState");
  d.rollout_state_reason = String(j, "rolloutStateReason");
  d.launch_type = String(j, "launchType");
  d.platform_version = String(j, "platformVersion");
  d.network_configuration = ParseNetwork(j);
  d.created_at_ms = TimestampMs(j, "createdAt");
  d.updated_at_ms = TimestampMs(j, "updatedAt");
  return d;
}

EcsService ParseService(const json& j) {
  EcsService s;
  s.arn = String(j, "serviceArn");
  s.name = String(j, "serviceName");
  s.cluster_arn = String(j, "clusterArn");
  s.status = String(j, "status");
  s.desired_count = Int(j, "desiredCount");
  s.running_count = Int(j, "runningCount");
  s.pending_count = Int(j, "pendingCount");
  s.launch_type = String(j, "launchType");
  s.platform_version = String(j, "platformVersion");
  s.task_definition = String(j, "taskDefinition");
  if (const json* config = Object(j, "deploymentConfiguration")) {
    s.deployment_configuration.maximum_percent = OptionalInt32(*config, "maximumPercent");
    s.deployment_configuration.minimum_healthy_percent =
        OptionalInt32(*config, "minimumHealthyPercent");
    if (const json* breaker = Object(*config, "deploymentCircuitBreaker")) {
      s.deployment_configuration.circuit_breaker =
          EcsDeploymentCircuitBreaker{Bool(*breaker, "enable"), Bool(*breaker, "rollback")};
    }
  }
  if (const json* controller = Object(j, "deploymentController")) {
    s.deployment_controller = String(*controller, "type");
  }
  s.network_configuration = ParseNetwork(j);
  s.load_balancers = ParseLoadBalancers(j);
  s.health_check_grace_period_seconds = OptionalInt32(j, "healthCheckGracePeriodSeconds");
  s.propagate_tags = String(j, "propagateTags");
  s.enable_ecs_managed_tags = Bool(j, "enableECSManagedTags");
  s.enable_execute_command = Bool(j, "enableExecuteCommand");
  s.scheduling_strategy = String(j, "schedulingStrategy");
  s.role_arn = String(j, "roleArn");
  s.created_by = String(j, "createdBy");
  s.created_at_ms = TimestampMs(j, "createdAt");
  s.tags = ParseTags(j);
  for (const json& d : Array(j, "deployments")) s.deployments.push_back(ParseDeployment(d));
  for (const json& e : Array(j, "events")) {
    s.events.push_back(
        EcsServiceEvent{String(e, "id"), TimestampMs(e, "createdAt"), String(e, "message")});
  }
  for (const json& t : Array(j, "taskSets")) s.task_sets.push_back(ParseTaskSet(t));
  return s;
}

EcsTaskOverride ParseOverrides(const json& j) {
  EcsTaskOverride o;
  const json* overrides = Object(j, "overrides");
  if (overrides == nullptr) return o;
  for (const json& c : Array(*overrides, "containerOverrides")) {
    EcsContainerOverride co;
    co.name = String(c, "name");
    co.command = Strings(c, "command");
    co.environment = NameValueMap(c, "environment", "value");
    co.cpu = OptionalInt32(c, "cpu");
    co.memory = OptionalInt32(c, "memory");
    co.memory_reservation = OptionalInt32(c, "memoryReservation");
    o.container_overrides.push_back(std::move(co));
  }
  o.cpu = String(*overrides, "cpu");
  o.memory = String(*overrides, "memory");
  o.execution_role_arn = String(*overrides, "executionRoleArn");
  o.task_role_arn = String(*overrides, "taskRoleArn");
  if (const json* storage = Object(*overrides, "ephemeralStorage")) {
    o.ephemeral_storage_gib = OptionalInt32(*storage, "sizeInGiB");
  }
  return o;
}

EcsContainer ParseContainer(const json& j) {
  EcsContainer c;
  c.arn = String(j, "containerArn");
  c.name = String(j, "name");
  c.image = String(j, "image");
  c.image_digest = String(j, "imageDigest");
  c.runtime_id = String(j, "runtimeId");
  c.last_status = String(j, "lastStatus");
  c.exit_code = OptionalInt32(j, "exitCode");
  c.reason = String(j, "reason");
  c.health_status = String(j, "healthStatus");
  for (const json& eni : Array(j, "networkInterfaces")) {
    c.private_ipv4_address = String(eni, "privateIpv4Address");
    if (!c.private_ipv4_address.empty()) break;
  }
  return c;
}

// The task ENI's private address: attachments[type ElasticNetworkInterface]
// .details[name privateIPv4Address].
std::string TaskPrivateIp(const json& j) {
  for (const json& attachment : Array(j, "attachments")) {
    if (String(attachment, "type") != "ElasticNetworkInterface") continue;
    for (const json& detail : Array(attachment, "details")) {
      if (String(detail, "name") == "privateIPv4Address") return String(detail, "value");
    }
  }
  return {};
}

EcsTask ParseTask(const json& j) {
  EcsTask t;
  t.arn = String(j, "taskArn");
  t.cluster_arn = String(j, "clusterArn");
  t.task_definition_arn = String(j, "taskDefinitionArn");
  t.last_status = String(j, "lastStatus");
  t.desired_status = String(j, "desiredStatus");
  t.launch_type = String(j, "launchType");
  t.platform_version = String(j, "platformVersion");
  t.cpu = String(j, "cpu");
  t.memory = String(j, "memory");
  t.group = String(j, "group");
  t.started_by = String(j, "startedBy");
  t.stop_code = String(j, "stopCode");
  t.stopped_reason = String(j, "stoppedReason");
  t.health_status = String(j, "healthStatus");
  t.availability_zone = String(j, "availabilityZone");
  t.private_ipv4_address = TaskPrivateIp(j);
  for (const json& c : Array(j, "containers")) t.containers.push_back(ParseContainer(c));
  t.overrides = ParseOverrides(j);
  t.created_at_ms = TimestampMs(j, "createdAt");
  t.pull_started_at_ms = TimestampMs(j, "pullStartedAt");
  t.pull_stopped_at_ms = TimestampMs(j, "pullStoppedAt");
  t.started_at_ms = TimestampMs(j, "startedAt");
  t.stopping_at_ms = TimestampMs(j, "stoppingAt");
  t.execution_stopped_at_ms = TimestampMs(j, "executionStoppedAt");
  t.stopped_at_ms = TimestampMs(j, "stoppedAt");
  t.version = Int(j, "version");
  t.tags = ParseTags(j);
  return t;
}

EcsService ServiceOf(const json& r) { return ParseService(RequiredObject(r, "service")); }
EcsTaskSet TaskSetOf(const json& r) { return ParseTaskSet(RequiredObject(r, "taskSet")); }

// Appends the strings of `key` in a List* page.
std::function<void(const json&, std::vector<std::string>&)> AppendStrings(const char* key) {
  return [key](const json& page, std::vector<std::string>& out) {
    for (std::string& s : Strings(page, key)) out.push_back(std::move(s));
  };
}

}  // namespace

EcsClient::EcsClient(AwsClient& client) : client_(client) {}

void EcsClient::CreateCluster(const std::string& name,
                              const std::map<std::string, std::string>& tags,
                              Callback<EcsCluster> done) {
  json input = {{"clusterName", name}};
  if (!tags.empty()) input["tags"] = EncodeTags(tags);
  json_call::Call<EcsCluster>(
      client_, Ecs(), "CreateCluster", std::move(input),
      [](const json& r) { return ParseCluster(RequiredObject(r, "cluster")); }, std::move(done));
}

void EcsClient::DescribeClusters(const std::vector<std::string>& clusters,
                                 Callback<EcsDescribeClustersResult> done) {
  json input = {{"clusters", clusters}, {"include", json::array({"TAGS"})}};
  json_call::Call<EcsDescribeClustersResult>(
      client_, Ecs(), "DescribeClusters", std::move(input),
      [](const json& r) {
        EcsDescribeClustersResult out;
        for (const json& c : Array(r, "clusters")) out.clusters.push_back(ParseCluster(c));
        out.failures = Failures(r);
        return out;
      },
      std::move(done));
}

void EcsClient::ListClusters(Callback<std::vector<std::string>> done) {
  json_call::CallPagedItems<std::string>(client_, Ecs(), "ListClusters", json::object(), {},
                                         AppendStrings("clusterArns"), std::move(done));
}

void EcsClient::DeleteCluster(const std::string& cluster, Callback<EcsCluster> done) {
  json_call::Call<EcsCluster>(
      client_, Ecs(), "DeleteCluster", json{{"cluster", cluster}},
      [](const json& r) { return ParseCluster(RequiredObject(r, "cluster")); }, std::move(done));
}

void EcsClient::TagResource(const std::string& arn, const std::map<std::string, std::string>& tags,
                            Callback<bool> done) {
  json_call::Call<bool>(
      client_, Ecs(), "TagResource", json{{"resourceArn", arn}, {"tags", EncodeTags(tags)}},
      [](const json&) { return true; }, std::move(done));
}

void EcsClient::RegisterTaskDefinition(const EcsTaskDefinition& definition,
                                       Callback<EcsTaskDefinition> done) {
  json_call::Call<EcsTaskDefinition>(client_, Ecs(), "RegisterTaskDefinition",
                                     EncodeRegistration(definition), ParseTaskDefinitionResponse,
                                     std::move(done));
}

void EcsClient::DescribeTaskDefinition(const std::string& task_definition,
                                       Callback<EcsTaskDefinition> done) {
  json input = {{"taskDefinition", task_definition}, {"include", json::array({"TAGS"})}};
  json_call::Call<EcsTaskDefinition>(client_, Ecs(), "DescribeTaskDefinition", std::move(input),
                                     ParseTaskDefinitionResponse, std::move(done));
}

void EcsClient::DeregisterTaskDefinition(const std::string& task_definition,
                                         Callback<EcsTaskDefinition> done) {
  json_call::Call<EcsTaskDefinition>(client_, Ecs(), "DeregisterTaskDefinition",
                                     json{{"taskDefinition", task_definition}},
                                     ParseTaskDefinitionResponse, std::move(done));
}

void EcsClient::ListTaskDefinitions(const EcsListTaskDefinitionsRequest& request,
                                    Callback<std::vector<std::string>> done) {
  json input = json::object();
  if (!request.family_prefix.empty()) input["familyPrefix"] = request.family_prefix;
  if (!request.status.empty()) input["status"] = request.status;
  if (!request.sort.empty()) input["sort"] = request.sort;
  if (request.max_results) input["maxResults"] = *request.max_results;
  json_call::CallPagedItems<std::string>(client_, Ecs(), "ListTaskDefinitions", std::move(input),
                                         {}, AppendStrings("taskDefinitionArns"), std::move(done));
}

void EcsClient::CreateService(const EcsCreateServiceRequest& request, Callback<EcsService> done) {
  json input = {{"serviceName", request.service_name}};
  if (!request.cluster.empty()) input["cluster"] = request.cluster;
  if (!request.task_definition.empty()) input["taskDefinition"] = request.task_definition;
  if (request.desired_count) input["desiredCount"] = *request.desired_count;
  if (!request.launch_type.empty()) input["launchType"] = request.launch_type;
  if (!request.platform_version.empty()) input["platformVersion"] = request.platform_version;
  if (request.network_configuration) {
    input["networkConfiguration"] = Encode(*request.network_configuration);
  }
  if (!request.load_balancers.empty()) input["loadBalancers"] = Encode(request.load_balancers);
  if (request.deployment_configuration) {
    input["deploymentConfiguration"] = Encode(*request.deployment_configuration);
  }
  if (!request.deployment_controller.empty()) {
    input["deploymentController"] = {{"type", request.deployment_controller}};
  }
  if (request.health_check_grace_period_seconds) {
    input["healthCheckGracePeriodSeconds"] = *request.health_check_grace_period_seconds;
  }
  if (!request.propagate_tags.empty()) input["propagateTags"] = request.propagate_tags;
  if (request.enable_ecs_managed_tags) input["enableECSManagedTags"] = true;
  if (request.enable_execute_command) input["enableExecuteCommand"] = true;
  if (!request.scheduling_strategy.empty()) {
    input["schedulingStrategy"] = request.scheduling_strategy;
  }
  if (!request.tags.empty()) input["tags"] = EncodeTags(request.tags);
  if (!request.client_token.empty()) input["clientToken"] = request.client_token;
  json_call::Call<EcsService>(client_, Ecs(), "CreateService", std::move(input), ServiceOf,
                              std::move(done));
}

void EcsClient::UpdateService(const EcsUpdateServiceRequest& request, Callback<EcsService> done) {
  json input = {{"service", request.service}};
  if (!request.cluster.empty()) input["cluster"] = request.cluster;
  if (request.desired_count) input["desiredCount"] = *request.desired_count;
  if (request.task_definition) input["taskDefinition"] = *request.task_definition;
  if (request.deployment_configuration) {
    input["deploymentConfiguration"] = Encode(*request.deployment_configuration);
  }
  if (request.network_configuration) {
    input["networkConfiguration"] = Encode(*request.network_configuration);
  }
  if (request.load_balancers) input["loadBalancers"] = Encode(*request.load_balancers);
  if (request.platform_version) input["platformVersion"] = *request.platform_version;
  if (request.force_new_deployment) input["forceNewDeployment"] = true;
  if (request.health_check_grace_period_seconds) {
    input["healthCheckGracePeriodSeconds"] = *request.health_check_grace_period_seconds;
  }
  if (request.propagate_tags) input["propagateTags"] = *request.propagate_tags;
  if (request.enable_ecs_managed_tags) {
    input["enableECSManagedTags"] = *request.enable_ecs_managed_tags;
  }
  if (request.enable_execute_command) {
    input["enableExecuteCommand"] = *request.enable_execute_command;
  }
  json_call::Call<EcsService>(client_, Ecs(), "UpdateService", std::move(input), ServiceOf,
                              std::move(done));
}

void EcsClient::DescribeServices(const std::string& cluster,
                                 const std::vector<std::string>& services,
                                 Callback<EcsDescribeServicesResult> done) {
  json input = {{"services", services}, {"include", json::array({"TAGS"})}};
  if (!cluster.empty()) input["cluster"] = cluster;
  json_call::Call<EcsDescribeServicesResult>(
      client_, Ecs(), "DescribeServices", std::move(input),
      [](const json& r) {
        EcsDescribeServicesResult out;
        for (const json& s : Array(r, "services")) out.services.push_back(ParseService(s));
        out.failures = Failures(r);
        return out;
      },
      std::move(done));
}

void EcsClient::ListServices(const std::string& cluster, Callback<std::vector<std::string>> done) {
  json input = json::object();
  if (!cluster.empty()) input["cluster"] = cluster;
  json_call::CallPagedItems<std::string>(client_, Ecs(), "ListServices", std::move(input), {},
                                         AppendStrings("serviceArns"), std::move(done));
}

void EcsClient::DeleteService(const std::string& cluster, const std::string& service, bool force,
                              Callback<EcsService> done) {
  json input = {{"service", service}};
  if (!cluster.empty()) input["cluster"] = cluster;
  if (force) input["force"] = true;
  json_call::Call<EcsService>(client_, Ecs(), "DeleteService", std::move(input), ServiceOf,
                              std::move(done));
}

void EcsClient::RunTask(const EcsRunTaskRequest& request, Callback<EcsRunTaskResult> done) {
  json input = {{"taskDefinition", request.task_definition}, {"count", request.count}};
  if (!request.cluster.empty()) input["cluster"] = request.cluster;
  if (!request.launch_type.empty()) input["launchType"] = request.launch_type;
  if (!request.platform_version.empty()) input["platformVersion"] = request.platform_version;
  if (request.network_configuration) {
    input["networkConfiguration"] = Encode(*request.network_configuration);
  }
  if (request.overrides) input["overrides"] = Encode(*request.overrides);
  if (!request.started_by.empty()) input["startedBy"] = request.started_by;
  if (!request.group.empty()) input["group"] = request.group;
  if (!request.tags.empty()) input["tags"] = EncodeTags(request.tags);
  if (!request.propagate_tags.empty()) input["propagateTags"] = request.propagate_tags;
  if (request.enable_ecs_managed_tags) input["enableECSManagedTags"] = true;
  if (!request.client_token.empty()) input["clientToken"] = request.client_token;
  json_call::Call<EcsRunTaskResult>(
      client_, Ecs(), "RunTask", std::move(input),
      [](const json& r) {
        EcsRunTaskResult out;
        for (const json& t : Array(r, "tasks")) out.tasks.push_back(ParseTask(t));
        out.failures = Failures(r);
        return out;
      },
      std::move(done));
}

void EcsClient::DescribeTasks(const std::string& cluster, const std::vector<std::string>& tasks,
                              Callback<EcsDescribeTasksResult> done) {
  json input = {{"tasks", tasks}, {"include", json::array({"TAGS"})}};
  if (!cluster.empty()) input["cluster"] = cluster;
  json_call::Call<EcsDescribeTasksResult>(
      client_, Ecs(), "DescribeTasks", std::move(input),
      [](const json& r) {
        EcsDescribeTasksResult out;
        for (const json& t : Array(r, "tasks")) out.tasks.push_back(ParseTask(t));
        out.failures = Failures(r);
        return out;
      },
      std::move(done));
}

void EcsClient::ListTasks(const EcsListTasksRequest& request,
                          Callback<std::vector<std::string>> done) {
  json input = json::object();
  if (!request.cluster.empty()) input["cluster"] = request.cluster;
  if (!request.service_name.empty()) input["serviceName"] = request.service_name;
  if (!request.family.empty()) input["family"] = request.family;
  if (!request.started_by.empty()) input["startedBy"] = request.started_by;
  if (!request.desired_status.empty()) input["desiredStatus"] = request.desired_status;
  if (!request.launch_type.empty()) input["launchType"] = request.launch_type;
  if (request.max_results) input["maxResults"] = *request.max_results;
  json_call::CallPagedItems<std::string>(client_, Ecs(), "ListTasks", std::move(input), {},
                                         AppendStrings("taskArns"), std::move(done));
}

void EcsClient::StopTask(const std::string& cluster, const std::string& task,
                         const std::string& reason, Callback<EcsTask> done) {
  json input = {{"task", task}};
  if (!cluster.empty()) input["cluster"] = cluster;
  if (!reason.empty()) input["reason"] = reason;
  json_call::Call<EcsTask>(
      client_, Ecs(), "StopTask", std::move(input),
      [](const json& r) { return ParseTask(RequiredObject(r, "task")); }, std::move(done));
}

void EcsClient::CreateTaskSet(const EcsCreateTaskSetRequest& request, Callback<EcsTaskSet> done) {
  json input = {{"cluster", request.cluster},
                {"service", request.service},
                {"taskDefinition", request.task_definition}};
  if (!request.external_id.empty()) input["externalId"] = request.external_id;
  if (!request.launch_type.empty()) input["launchType"] = request.launch_type;
  if (!request.platform_version.empty()) input["platformVersion"] = request.platform_version;
  if (request.network_configuration) {
    input["networkConfiguration"] = Encode(*request.network_configuration);
  }
  if (!request.load_balancers.empty()) input["loadBalancers"] = Encode(request.load_balancers);
  if (request.scale) input["scale"] = Encode(*request.scale);
  if (!request.tags.empty()) input["tags"] = EncodeTags(request.tags);
  if (!request.client_token.empty()) input["clientToken"] = request.client_token;
  json_call::Call<EcsTaskSet>(client_, Ecs(), "CreateTaskSet", std::move(input), TaskSetOf,
                              std::move(done));
}

void EcsClient::UpdateTaskSet(const std::string& cluster, const std::string& service,
                              const std::string& task_set, const EcsScale& scale,
                              Callback<EcsTaskSet> done) {
  json input = {
      {"cluster", cluster}, {"service", service}, {"taskSet", task_set}, {"scale", Encode(scale)}};
  json_call::Call<EcsTaskSet>(client_, Ecs(), "UpdateTaskSet", std::move(input), TaskSetOf,
                              std::move(done));
}

void EcsClient::DeleteTaskSet(const std::string& cluster, const std::string& service,
                              const std::string& task_set, bool force, Callback<EcsTaskSet> done) {
  json input = {{"cluster", cluster}, {"service", service}, {"taskSet", task_set}};
  if (force) input["force"] = true;
  json_call::Call<EcsTaskSet>(client_, Ecs(), "DeleteTaskSet", std::move(input), TaskSetOf,
                              std::move(done));
}

void EcsClient::DescribeTaskSets(const std::string& cluster, const std::string& service,
                                 const std::vector<std::string>& task_sets,
                                 Callback<EcsDescribeTaskSetsResult> done) {
  json input = {{"cluster", cluster}, {"service", service}, {"include", json::array({"TAGS"})}};
  if (!task_sets.empty()) input["taskSets"] = task_sets;
  json_call::Call<EcsDescribeTaskSetsResult>(
      client_, Ecs(), "DescribeTaskSets", std::move(input),
      [](const json& r) {
        EcsDescribeTaskSetsResult out;
        for (const json& t : Array(r, "taskSets")) out.task_sets.push_back(ParseTaskSet(t));
        out.failures = Failures(r);
        return out;
      },
      std::move(done));
}

void EcsClient::UpdateServicePrimaryTaskSet(const std::string& cluster, const std::string& service,
                                            const std::string& primary_task_set,
                                            Callback<EcsTaskSet> done) {
  json input = {{"cluster", cluster}, {"service", service}, {"primaryTaskSet", primary_task_set}};
  json_call::Call<EcsTaskSet>(client_, Ecs(), "UpdateServicePrimaryTaskSet", std::move(input),
                              TaskSetOf, std::move(done));
}

}  // namespace wharf::aws
