#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

// Wharf's view of Amazon ECS's resources: the fields Wharf needs to plan,
// diff, adopt and roll out, named after ECS's members (botocore's ecs
// service-2.json). Timestamps are Unix milliseconds, 0 when ECS gave none.
// Optional members are those where "not given" differs from any value.
namespace wharf::aws {

// An ECS cluster as DescribeClusters/CreateCluster/DeleteCluster return it.
struct EcsCluster {
  std::string arn;
  std::string name;
  // "ACTIVE", "PROVISIONING", "DEPROVISIONING", "FAILED", "INACTIVE".
  std::string status;
  int64_t active_services_count = 0;
  int64_t running_tasks_count = 0;
  int64_t pending_tasks_count = 0;
  std::map<std::string, std::string> tags;
};

// One entry of an ECS "failures" list ("MISSING" for an unknown cluster).
struct EcsFailure {
  std::string arn;
  std::string reason;
  std::string detail;
};

struct EcsDescribeClustersResult {
  std::vector<EcsCluster> clusters;
  std::vector<EcsFailure> failures;
};

// ---------------------------------------------------------------------------
// Task definitions

struct EcsPortMapping {
  int container_port = 0;
  // awsvpc: ECS reports it equal to container_port.
  std::optional<int> host_port;
  // "tcp" or "udp"; empty: not given (ECS's default is tcp).
  std::string protocol;
  // Service Connect name and its "http", "http2" or "grpc" protocol.
  std::string name;
  std::string app_protocol;

  bool operator==(const EcsPortMapping&) const = default;
};

struct EcsLogConfiguration {
  // "awslogs", "awsfirelens", ...
  std::string log_driver;
  // "awslogs-group", "awslogs-region", "awslogs-stream-prefix", ...
  std::map<std::string, std::string> options;

  bool operator==(const EcsLogConfiguration&) const = default;
};

// A container health check (ECS members interval, timeout, retries,
// startPeriod); unset members take ECS's defaults (30, 5, 3, 0).
struct EcsHealthCheck {
  // ["CMD-SHELL", "curl -f http://localhost/ || exit 1"] or ["CMD", ...].
  std::vector<std::string> command;
  std::optional<int> interval_seconds;
  std::optional<int> timeout_seconds;
  std::optional<int> retries;
  std::optional<int> start_period_seconds;

  bool operator==(const EcsHealthCheck&) const = default;
};

struct EcsContainerDefinition {
  std::string name;
  std::string image;
  // CPU units reserved for the container; ECS reports 0 when none was given.
  int cpu = 0;
  // Hard and soft memory limits (MiB).
  std::optional<int> memory;
  std::optional<int> memory_reservation;
  // Unset: ECS's default, true.
  std::optional<bool> essential;
  std::vector<std::string> entry_point;
  std::vector<std::string> command;
  std::map<std::string, std::string> environment;
  // Environment variable name -> valueFrom: the ARN (or SSM parameter name) of
  // a Secrets Manager secret or SSM parameter. Never a secret's value.
  std::map<std::string, std::string> secrets;
  std::vector<EcsPortMapping> port_mappings;
  std::optional<EcsLogConfiguration> log_configuration;
  std::optional<EcsHealthCheck> health_check;
  std::string working_directory;
  std::string user;
  std::optional<int> stop_timeout_seconds;
  std::map<std::string, std::string> docker_labels;
  std::optional<bool> readonly_root_filesystem;

  bool operator==(const EcsContainerDefinition&) const = default;
};

// A task definition: what RegisterTaskDefinition takes (the first group of
// members) and what DescribeTaskDefinition returns (all of them).
struct EcsTaskDefinition {
  std::string family;
  std::vector<EcsContainerDefinition> containers;
  // Task-level size as ECS writes it: cpu units ("256", "1024") and MiB
  // ("512"); Fargate requires both.
  std::string cpu;
  std::string memory;
  // "awsvpc" (Fargate), "bridge", "host", "none"; empty: not given.
  std::string network_mode;
  // ["FARGATE"], ["EC2"], ...
  std::vector<std::string> requires_compatibilities;
  std::string execution_role_arn;
  std::string task_role_arn;
  // Fargate ephemeral storage (GiB, 21-200); unset: the default 20.
  std::optional<int> ephemeral_storage_gib;
  // runtimePlatform: "X86_64"/"ARM64" and "LINUX", ...; empty: not given.
  std::string cpu_architecture;
  std::string operating_system_family;
  std::map<std::string, std::string> tags;

  // Set by ECS.
  std::string arn;
  int revision = 0;
  // "ACTIVE", "INACTIVE" (deregistered), "DELETE_IN_PROGRESS".
  std::string status;
  std::vector<std::string> compatibilities;
  int64_t registered_at_ms = 0;
  int64_t deregistered_at_ms = 0;
  std::string registered_by;
};

struct EcsListTaskDefinitionsRequest {
  // Only revisions of families starting with this ("" for all).
  std::string family_prefix;
  // "ACTIVE" (ECS's default), "INACTIVE" or "DELETE_IN_PROGRESS"; empty: not sent.
  std::string status;
  // "ASC" (ECS's default: oldest family and revision first) or "DESC".
  std::string sort;
  // Page size (1-100); unset: ECS's (100). Every page is read.
  std::optional<int> max_results;
};

// ---------------------------------------------------------------------------
// Services

// awsvpcConfiguration, the only network configuration Fargate has.
struct EcsNetworkConfiguration {
  std::vector<std::string> subnets;
  std::vector<std::string> security_groups;
  // assignPublicIp ENABLED; sent as ENABLED or DISABLED.
  bool assign_public_ip = false;

  bool operator==(const EcsNetworkConfiguration&) const = default;
};

struct EcsLoadBalancer {
  std::string target_group_arn;
  // Classic load balancers only.
  std::string load_balancer_name;
  std::string container_name;
  int container_port = 0;

  bool operator==(const EcsLoadBalancer&) const = default;
};

struct EcsDeploymentCircuitBreaker {
  bool enable = false;
  bool rollback = false;

  bool operator==(const EcsDeploymentCircuitBreaker&) const = default;
};

struct EcsDeploymentConfiguration {
  // Unset: ECS's defaults (200 and 100 for REPLICA services).
  std::optional<int> maximum_percent;
  std::optional<int> minimum_healthy_percent;
  std::optional<EcsDeploymentCircuitBreaker> circuit_breaker;

  bool operator==(const EcsDeploymentConfiguration&) const = default;
};

// One deployment of a service (deploymentController ECS).
struct EcsDeployment {
  std::string id;
  // "PRIMARY" (the newest), "ACTIVE" (older, draining), "INACTIVE".
  std::string status;
  std::string task_definition;
  int64_t desired_count = 0;
  int64_t pending_count = 0;
  int64_t running_count = 0;
  // Tasks of this deployment that failed to start or to stay healthy (the
  // circuit breaker's count).
  int64_t failed_tasks = 0;
  // "IN_PROGRESS", "COMPLETED", "FAILED"; empty for services without the
  // circuit breaker or rollout tracking.
  std::string rollout_state;
  std::string rollout_state_reason;
  std::string launch_type;
  std::string platform_version;
  std::optional<EcsNetworkConfiguration> network_configuration;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

// One line of a service's event log (newest first in EcsService::events).
struct EcsServiceEvent {
  std::string id;
  int64_t created_at_ms = 0;
  std::string message;
};

// A scale of a task set: a percent of the service's desiredCount.
struct EcsScale {
  double value = 100.0;
  // "PERCENT", the only unit.
  std::string unit = "PERCENT";

  bool operator==(const EcsScale&) const = default;
};

// A task set of a service with the EXTERNAL (or CODE_DEPLOY) controller.
struct EcsTaskSet {
  std::string id;
  std::string arn;
  std::string service_arn;
  std::string cluster_arn;
  std::string started_by;
  std::string external_id;
  // "PRIMARY", "ACTIVE", "DRAINING".
  std::string status;
  std::string task_definition;
  int64_t computed_desired_count = 0;
  int64_t pending_count = 0;
  int64_t running_count = 0;
  std::string launch_type;
  std::string platform_version;
  std::optional<EcsNetworkConfiguration> network_configuration;
  std::vector<EcsLoadBalancer> load_balancers;
  EcsScale scale;
  // "STEADY_STATE" or "STABILIZING".
  std::string stability_status;
  int64_t stability_status_at_ms = 0;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  std::map<std::string, std::string> tags;
};

struct EcsService {
  std::string arn;
  std::string name;
  std::string cluster_arn;
  // "ACTIVE", "DRAINING", "INACTIVE".
  std::string status;
  int64_t desired_count = 0;
  int64_t running_count = 0;
  int64_t pending_count = 0;
  std::string launch_type;
  std::string platform_version;
  // Empty for services with task sets before one is PRIMARY.
  std::string task_definition;
  EcsDeploymentConfiguration deployment_configuration;
  // "ECS", "CODE_DEPLOY" or "EXTERNAL".
  std::string deployment_controller;
  std::optional<EcsNetworkConfiguration> network_configuration;
  std::vector<EcsLoadBalancer> load_balancers;
  std::optional<int> health_check_grace_period_seconds;
  // "TASK_DEFINITION", "SERVICE" or "NONE".
  std::string propagate_tags;
  bool enable_ecs_managed_tags = false;
  bool enable_execute_command = false;
  // "REPLICA" or "DAEMON".
  std::string scheduling_strategy;
  std::string role_arn;
  std::string created_by;
  int64_t created_at_ms = 0;
  std::map<std::string, std::string> tags;
  // PRIMARY first, as ECS lists them.
  std::vector<EcsDeployment> deployments;
  // Newest first (ECS keeps the last 100).
  std::vector<EcsServiceEvent> events;
  std::vector<EcsTaskSet> task_sets;
};

struct EcsCreateServiceRequest {
  std::string cluster;
  std::string service_name;
  // family, family:revision or ARN; empty for EXTERNAL services (task sets
  // carry theirs).
  std::string task_definition;
  std::optional<int> desired_count;
  // "FARGATE" for Wharf; empty: not sent (the cluster's capacity providers).
  std::string launch_type;
  std::string platform_version;
  std::optional<EcsNetworkConfiguration> network_configuration;
  std::vector<EcsLoadBalancer> load_balancers;
  std::optional<EcsDeploymentConfiguration> deployment_configuration;
  // "ECS", "CODE_DEPLOY" or "EXTERNAL"; empty: not sent (ECS).
  std::string deployment_controller;
  std::optional<int> health_check_grace_period_seconds;
  // "TASK_DEFINITION", "SERVICE" or "NONE"; empty: not sent.
  std::string propagate_tags;
  bool enable_ecs_managed_tags = false;
  bool enable_execute_command = false;
  // "REPLICA" or "DAEMON"; empty: not sent.
  std::string scheduling_strategy;
  std::map<std::string, std::string> tags;
  // Makes the call idempotent (at most 36 ASCII characters); empty: not sent.
  std::string client_token;
};

// Unset members are left as they are.
struct EcsUpdateServiceRequest {
  std::string cluster;
  std::string service;
  std::optional<int> desired_count;
  std::optional<std::string> task_definition;
  std::optional<EcsDeploymentConfiguration> deployment_configuration;
  std::optional<EcsNetworkConfiguration> network_configuration;
  // An empty list removes every load balancer.
  std::optional<std::vector<EcsLoadBalancer>> load_balancers;
  std::optional<std::string> platform_version;
  bool force_new_deployment = false;
  std::optional<int> health_check_grace_period_seconds;
  std::optional<std::string> propagate_tags;
  std::optional<bool> enable_ecs_managed_tags;
  std::optional<bool> enable_execute_command;
};

struct EcsDescribeServicesResult {
  std::vector<EcsService> services;
  std::vector<EcsFailure> failures;
};

// ---------------------------------------------------------------------------
// Tasks

struct EcsContainerOverride {
  std::string name;
  // Empty: the definition's command.
  std::vector<std::string> command;
  // Added to (or replacing entries of) the definition's environment.
  std::map<std::string, std::string> environment;
  std::optional<int> cpu;
  std::optional<int> memory;
  std::optional<int> memory_reservation;

  bool operator==(const EcsContainerOverride&) const = default;
};

struct EcsTaskOverride {
  std::vector<EcsContainerOverride> container_overrides;
  // Empty: not overridden.
  std::string cpu;
  std::string memory;
  std::string execution_role_arn;
  std::string task_role_arn;
  std::optional<int> ephemeral_storage_gib;

  bool operator==(const EcsTaskOverride&) const = default;
};

// A container of a running or stopped task.
struct EcsContainer {
  std::string arn;
  std::string name;
  std::string image;
  std::string image_digest;
  std::string runtime_id;
  // "PENDING", "RUNNING", "STOPPED", ...
  std::string last_status;
  // Set once the container has exited.
  std::optional<int> exit_code;
  // Why the container stopped (e.g. "CannotPullContainerError: ...").
  std::string reason;
  // "HEALTHY", "UNHEALTHY", "UNKNOWN".
  std::string health_status;
  // The first private IPv4 address of the container's network interfaces.
  std::string private_ipv4_address;
};

struct EcsTask {
  std::string arn;
  std::string cluster_arn;
  std::string task_definition_arn;
  // PROVISIONING, PENDING, ACTIVATING, RUNNING, DEACTIVATING, STOPPING,
  // DEPROVISIONING, STOPPED.
  std::string last_status;
  // "RUNNING" or "STOPPED".
  std::string desired_status;
  std::string launch_type;
  std::string platform_version;
  std::string cpu;
  std::string memory;
  // "service:NAME" for service tasks, "family:FAMILY" by default for RunTask.
  std::string group;
  // The service's deployment id, a task set id, or RunTask's startedBy.
  std::string started_by;
  // "EssentialContainerExited", "UserInitiated", "TaskFailedToStart",
  // "ServiceSchedulerInitiated", "SpotInterruption", ...; empty until stopped.
  std::string stop_code;
  std::string stopped_reason;
  // "HEALTHY", "UNHEALTHY", "UNKNOWN".
  std::string health_status;
  std::string availability_zone;
  // The task ENI's address (awsvpc), from its attachment; empty before it has one.
  std::string private_ipv4_address;
  std::vector<EcsContainer> containers;
  EcsTaskOverride overrides;
  int64_t created_at_ms = 0;
  int64_t pull_started_at_ms = 0;
  int64_t pull_stopped_at_ms = 0;
  int64_t started_at_ms = 0;
  int64_t stopping_at_ms = 0;
  int64_t execution_stopped_at_ms = 0;
  int64_t stopped_at_ms = 0;
  int64_t version = 0;
  std::map<std::string, std::string> tags;
};

struct EcsRunTaskRequest {
  std::string cluster;
  // family, family:revision or ARN.
  std::string task_definition;
  // 1-10.
  int count = 1;
  // "FARGATE"; empty: not sent.
  std::string launch_type;
  std::string platform_version;
  std::optional<EcsNetworkConfiguration> network_configuration;
  std::optional<EcsTaskOverride> overrides;
  // Up to 128 characters, reported back on the task (ListTasks filters on it).
  std::string started_by;
  // Empty: ECS's "family:FAMILY".
  std::string group;
  std::map<std::string, std::string> tags;
  // "TASK_DEFINITION" or "NONE"; empty: not sent.
  std::string propagate_tags;
  bool enable_ecs_managed_tags = false;
  // Makes RunTask idempotent (up to 64 characters); empty: not sent.
  std::string client_token;
};

struct EcsRunTaskResult {
  std::vector<EcsTask> tasks;
  std::vector<EcsFailure> failures;
};

struct EcsDescribeTasksResult {
  std::vector<EcsTask> tasks;
  std::vector<EcsFailure> failures;
};

// Filters of ListTasks; empty ones are not sent.
struct EcsListTasksRequest {
  std::string cluster;
  std::string service_name;
  std::string family;
  std::string started_by;
  // "RUNNING" (ECS's default), "PENDING" or "STOPPED".
  std::string desired_status;
  std::string launch_type;
  // Page size (1-100); unset: ECS's (100). Every page is read.
  std::optional<int> max_results;
};

// ---------------------------------------------------------------------------
// Task sets

struct EcsCreateTaskSetRequest {
  std::string cluster;
  std::string service;
  std::string task_definition;
  std::string external_id;
  std::string launch_type;
  std::string platform_version;
  std::optional<EcsNetworkConfiguration> network_configuration;
  std::vector<EcsLoadBalancer> load_balancers;
  std::optional<EcsScale> scale;
  std::map<std::string, std::string> tags;
  // Makes the call idempotent; empty: not sent.
  std::string client_token;
};

struct EcsDescribeTaskSetsResult {
  std::vector<EcsTaskSet> task_sets;
  std::vector<EcsFailure> failures;
};

}  // namespace wharf::aws
