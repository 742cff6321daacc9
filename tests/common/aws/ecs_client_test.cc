// EcsClient's request encoding and response parsing, on canned JSON.
#include "common/aws/ecs_client.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/common/aws/json_client_test_fixture.h"

namespace wharf::aws {
namespace {

using nlohmann::json;

class EcsClientTest : public test::JsonClientTest {
 protected:
  EcsClient ecs_{*client_};
};

EcsTaskDefinition FullDefinition() {
  EcsTaskDefinition d;
  d.family = "shop-web";
  d.cpu = "256";
  d.memory = "512";
  d.network_mode = "awsvpc";
  d.requires_compatibilities = {"FARGATE"};
  d.execution_role_arn = "arn:aws:iam::1:role/exec";
  d.task_role_arn = "arn:aws:iam::1:role/task";
  d.ephemeral_storage_gib = 30;
  d.cpu_architecture = "ARM64";
  d.operating_system_family = "LINUX";
  d.tags = {{"wharf:app", "shop"}};
  d.arn = "ignored on registration";
  d.revision = 9;
  EcsContainerDefinition c;
  c.name = "web";
  c.image = "shop:v1";
  c.cpu = 128;
  c.memory = 512;
  c.memory_reservation = 256;
  c.essential = true;
  c.entry_point = {"/init"};
  c.command = {"serve", "--port", "8000"};
  c.environment = {{"B", "2"}, {"A", "1"}};
  c.secrets = {{"DB", "arn:aws:secretsmanager:eu-west-1:1:secret:db-x"}};
  c.port_mappings = {EcsPortMapping{8000, 8000, "tcp", "http", "http"}};
  c.log_configuration = EcsLogConfiguration{"awslogs", {{"awslogs-group", "/wharf/shop"}}};
  c.health_check = EcsHealthCheck{{"CMD", "true"}, 10, 5, 3, 0};
  c.working_directory = "/app";
  c.user = "1000";
  c.stop_timeout_seconds = 30;
  c.docker_labels = {{"l", "v"}};
  c.readonly_root_filesystem = true;
  d.containers = {c};
  return d;
}

TEST_F(EcsClientTest, RegisterTaskDefinitionEncodesEveryMember) {
  Respond(R"({"taskDefinition": {"taskDefinitionArn": "arn:td/shop-web:1", "family": "shop-web",
      "revision": 1, "status": "ACTIVE", "containerDefinitions": []}})");
  auto got = Call<EcsTaskDefinition>(
      [&](auto done) { ecs_.RegisterTaskDefinition(FullDefinition(), std::move(done)); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(Target(0), "AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition");
  EXPECT_EQ(Body(0), json::parse(R"({
    "family": "shop-web", "cpu": "256", "memory": "512", "networkMode": "awsvpc",
    "requiresCompatibilities": ["FARGATE"], "executionRoleArn": "arn:aws:iam::1:role/exec",
    "taskRoleArn": "arn:aws:iam::1:role/task", "ephemeralStorage": {"sizeInGiB": 30},
    "runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
    "tags": [{"key": "wharf:app", "value": "shop"}],
    "containerDefinitions": [{
      "name": "web", "image": "shop:v1", "cpu": 128, "memory": 512, "memoryReservation": 256,
      "essential": true, "entryPoint": ["/init"], "command": ["serve", "--port", "8000"],
      "environment": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
      "secrets": [{"name": "DB", "valueFrom": "arn:aws:secretsmanager:eu-west-1:1:secret:db-x"}],
      "portMappings": [{"containerPort": 8000, "hostPort": 8000, "protocol": "tcp",
                        "name": "http", "appProtocol": "http"}],
      "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/wharf/shop"}},
      "healthCheck": {"command": ["CMD", "true"], "interval": 10, "timeout": 5, "retries": 3,
                      "startPeriod": 0},
      "workingDirectory": "/app", "user": "1000", "stopTimeout": 30,
      "dockerLabels": {"l": "v"}, "readonlyRootFilesystem": true}]})"));
}

TEST_F(EcsClientTest, MinimalDefinitionSendsOnlyWhatIsSet) {
  Respond(R"({"taskDefinition": {"family": "f", "containerDefinitions": []}})");
  EcsTaskDefinition d;
  d.family = "f";
  d.containers.push_back(EcsContainerDefinition{.name = "c", .image = "i"});
  ASSERT_TRUE(Call<EcsTaskDefinition>([&](auto done) {
                ecs_.RegisterTaskDefinition(d, std::move(done));
              }).ok());
  EXPECT_EQ(Body(0), json::parse(R"({"family": "f",
      "containerDefinitions": [{"name": "c", "image": "i"}]})"));
}

TEST_F(EcsClientTest, DescribeTaskDefinitionParsesAResponseBackIntoTheSameValue) {
  // What ECS answers for FullDefinition(), plus the members ECS sets.
  Respond(R"({"taskDefinition": {
    "taskDefinitionArn": "arn:aws:ecs:eu-west-1:1:task-definition/shop-web:3",
    "family": "shop-web", "revision": 3, "status": "ACTIVE", "cpu": "256", "memory": "512",
    "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
    "compatibilities": ["EC2", "FARGATE"], "executionRoleArn": "arn:aws:iam::1:role/exec",
    "taskRoleArn": "arn:aws:iam::1:role/task", "ephemeralStorage": {"sizeInGiB": 30},
    "runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
    "registeredAt": 1700000000.5, "registeredBy": "arn:aws:iam::1:root",
    "volumes": [], "placementConstraints": [],
    "containerDefinitions": [{
      "name": "web", "image": "shop:v1", "cpu": 128, "memory": 512, "memoryReservation": 256,
      "essential": true, "entryPoint": ["/init"], "command": ["serve", "--port", "8000"],
      "environment": [{"name": "B", "value": "2"}, {"name": "A", "value": "1"}],
      "secrets": [{"name": "DB", "valueFrom": "arn:aws:secretsmanager:eu-west-1:1:secret:db-x"}],
      "portMappings": [{"containerPort": 8000, "hostPort": 8000, "protocol": "tcp",
                        "name": "http", "appProtocol": "http"}],
      "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/wharf/shop"},
                           "secretOptions": []},
      "healthCheck": {"command": ["CMD", "true"], "interval": 10, "timeout": 5, "retries": 3,
                      "startPeriod": 0},
      "workingDirectory": "/app", "user": "1000", "stopTimeout": 30,
      "dockerLabels": {"l": "v"}, "readonlyRootFilesystem": true,
      "mountPoints": [], "volumesFrom": [], "systemControls": []}]},
    "tags": [{"key": "wharf:app", "value": "shop"}]})");
  auto got = Call<EcsTaskDefinition>(
      [&](auto done) { ecs_.DescribeTaskDefinition("shop-web", std::move(done)); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(Body(0), json::parse(R"({"taskDefinition": "shop-web", "include": ["TAGS"]})"));
  const EcsTaskDefinition want = FullDefinition();
  EXPECT_EQ(got->family, want.family);
  EXPECT_EQ(got->cpu, want.cpu);
  EXPECT_EQ(got->memory, want.memory);
  EXPECT_EQ(got->network_mode, want.network_mode);
  EXPECT_EQ(got->requires_compatibilities, want.requires_compatibilities);
  EXPECT_EQ(got->execution_role_arn, want.execution_role_arn);
  EXPECT_EQ(got->task_role_arn, want.task_role_arn);
  EXPECT_EQ(got->ephemeral_storage_gib, 30);
  EXPECT_EQ(got->cpu_architecture, "ARM64");
  EXPECT_EQ(got->operating_system_family, "LINUX");
  EXPECT_EQ(got->tags, want.tags);
  ASSERT_EQ(got->containers.size(), 1u);
  EXPECT_EQ(got->containers[0], want.containers[0]);
  EXPECT_EQ(got->arn, "arn:aws:ecs:eu-west-1:1:task-definition/shop-web:3");
  EXPECT_EQ(got->revision, 3);
  EXPECT_EQ(got->status, "ACTIVE");
  EXPECT_EQ(got->compatibilities, (std::vector<std::string>{"EC2", "FARGATE"}));
  EXPECT_EQ(got->registered_at_ms, 1700000000500);
  EXPECT_EQ(got->registered_by, "arn:aws:iam::1:root");
}

TEST_F(EcsClientTest, MissingOptionalMembersReadAsUnset) {
  Respond(R"({"taskDefinition": {"family": "f", "containerDefinitions": [{"name": "c"}]}})");
  auto got = Call<EcsTaskDefinition>(
      [&](auto done) { ecs_.DescribeTaskDefinition("f", std::move(done)); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->containers.size(), 1u);
  const EcsContainerDefinition& c = got->containers[0];
  EXPECT_EQ(c.cpu, 0);
  EXPECT_FALSE(c.memory.has_value());
  EXPECT_FALSE(c.essential.has_value());
  EXPECT_FALSE(c.log_configuration.has_value());
  EXPECT_FALSE(c.health_check.has_value());
  EXPECT_TRUE(c.environment.empty());
  EXPECT_TRUE(got->tags.empty());
  EXPECT_EQ(got->revision, 0);
  EXPECT_EQ(got->registered_at_ms, 0);
}

TEST_F(EcsClientTest, WrongShapesAreMalformedResponses) {
  const std::vector<std::string> bodies = {
      R"({})",                                                            // no taskDefinition
      R"({"taskDefinition": []})",                                        // not an object
      R"({"taskDefinition": {"revision": "1"}})",                         // string for an int
      R"({"taskDefinition": {"containerDefinitions": {}}})",              // object for a list
      R"({"taskDefinition": {"containerDefinitions": [{"cpu": 1.5}]}})",  // fraction
      R"({"taskDefinition": {"containerDefinitions": [{"environment": [{"value": "x"}]}]}})",
      R"({"taskDefinition": {"containerDefinitions": [{"essential": "yes"}]}})",
      R"({"taskDefinition": {"registeredAt": "yesterday"}})",
      R"({"taskDefinition": {}, "tags": [{"value": "no key"}]})",
  };
  for (const std::string& body : bodies) {
    SCOPED_TRACE(body);
    Respond(body);
    auto got = Call<EcsTaskDefinition>(
        [&](auto done) { ecs_.DescribeTaskDefinition("f", std::move(done)); });
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code(), "MalformedResponse");
    EXPECT_EQ(got.error().operation(), "DescribeTaskDefinition");
    EXPECT_EQ(got.status().code(), Status::Code::kInternal);
  }
}

TEST_F(EcsClientTest, ListTaskDefinitionsSendsFiltersOnEveryPage) {
  Respond(R"({"taskDefinitionArns": ["a:1", "a:2"], "nextToken": "n1"})");
  Respond(R"({"taskDefinitionArns": ["a:3"]})");
  EcsListTaskDefinitionsRequest request;
  request.family_prefix = "a";
  request.status = "ACTIVE";
  request.sort = "DESC";
  request.max_results = 2;
  auto got = Call<std::vector<std::string>>(
      [&](auto done) { ecs_.ListTaskDefinitions(request, std::move(done)); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got.value(), (std::vector<std::string>{"a:1", "a:2", "a:3"}));
  EXPECT_EQ(Body(0), json::parse(R"({"familyPrefix": "a", "status": "ACTIVE", "sort": "DESC",
      "maxResults": 2})"));
  EXPECT_EQ(Body(1), json::parse(R"({"familyPrefix": "a", "status": "ACTIVE", "sort": "DESC",
      "maxResults": 2, "nextToken": "n1"})"));
}

TEST_F(EcsClientTest, CreateServiceEncodesEveryMember) {
  Respond(R"({"service": {"serviceName": "web"}})");
  EcsCreateServiceRequest r;
  r.cluster = "app";
  r.service_name = "web";
  r.task_definition = "web:3";
  r.desired_count = 0;
  r.launch_type = "FARGATE";
  r.platform_version = "1.4.0";
  r.network_configuration = EcsNetworkConfiguration{{"subnet-1", "subnet-2"}, {"sg-1"}, true};
  r.load_balancers = {EcsLoadBalancer{"arn:tg", "", "web", 8000}};
  r.deployment_configuration =
      EcsDeploymentConfiguration{200, 0, EcsDeploymentCircuitBreaker{true, false}};
  r.deployment_controller = "ECS";
  r.health_check_grace_period_seconds = 0;
  r.propagate_tags = "SERVICE";
  r.enable_ecs_managed_tags = true;
  r.enable_execute_command = true;
  r.scheduling_strategy = "REPLICA";
  r.tags = {{"wharf:app", "shop"}};
  r.client_token = "tok";
  ASSERT_TRUE(Call<EcsService>([&](auto done) { ecs_.CreateService(r, std::move(done)); }).ok());
  EXPECT_EQ(Body(0), json::parse(R"({
    "cluster": "app", "serviceName": "web", "taskDefinition": "web:3", "desiredCount": 0,
    "launchType": "FARGATE", "platformVersion": "1.4.0",
    "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1", "subnet-2"],
        "securityGroups": ["sg-1"], "assignPublicIp": "ENABLED"}},
    "loadBalancers": [{"targetGroupArn": "arn:tg", "containerName": "web", "containerPort": 8000}],
    "deploymentConfiguration": {"maximumPercent": 200, "minimumHealthyPercent": 0,
        "deploymentCircuitBreaker": {"enable": true, "rollback": false}},
    "deploymentController": {"type": "ECS"}, "healthCheckGracePeriodSeconds": 0,
    "propagateTags": "SERVICE", "enableECSManagedTags": true, "enableExecuteCommand": true,
    "schedulingStrategy": "REPLICA", "tags": [{"key": "wharf:app", "value": "shop"}],
    "clientToken": "tok"})"));

  // Unset optional members are not sent.
  Respond(R"({"service": {"serviceName": "ext"}})");
  EcsCreateServiceRequest minimal;
  minimal.service_name = "ext";
  ASSERT_TRUE(
      Call<EcsService>([&](auto done) { ecs_.CreateService(minimal, std::move(done)); }).ok());
  EXPECT_EQ(Body(1), json::parse(R"({"serviceName": "ext"})"));
}

TEST_F(EcsClientTest, UpdateServiceSendsOnlyWhatChanges) {
  Respond(R"({"service": {}})");
  EcsUpdateServiceRequest r;
  r.cluster = "app";
  r.service = "web";
  r.desired_count = 3;
  ASSERT_TRUE(Call<EcsService>([&](auto done) { ecs_.UpdateService(r, std::move(done)); }).ok());
  EXPECT_EQ(Body(0), json::parse(R"({"cluster": "app", "service": "web", "desiredCount": 3})"));

  Respond(R"({"service": {}})");
  r.desired_count.reset();
  r.task_definition = "web:4";
  r.load_balancers = std::vector<EcsLoadBalancer>{};
  r.force_new_deployment = true;
  r.deployment_configuration = EcsDeploymentConfiguration{.minimum_healthy_percent = 100};
  r.network_configuration = EcsNetworkConfiguration{.subnets = {"subnet-1"}};
  r.health_check_grace_period_seconds = 60;
  r.propagate_tags = "NONE";
  r.enable_ecs_managed_tags = false;
  r.enable_execute_command = false;
  r.platform_version = "LATEST";
  ASSERT_TRUE(Call<EcsService>([&](auto done) { ecs_.UpdateService(r, std::move(done)); }).ok());
  EXPECT_EQ(Body(1), json::parse(R"({"cluster": "app", "service": "web",
      "taskDefinition": "web:4", "loadBalancers": [], "forceNewDeployment": true,
      "deploymentConfiguration": {"minimumHealthyPercent": 100},
      "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"],
          "assignPublicIp": "DISABLED"}},
      "healthCheckGracePeriodSeconds": 60, "propagateTags": "NONE",
      "enableECSManagedTags": false, "enableExecuteCommand": false,
      "platformVersion": "LATEST"})"));
}

TEST_F(EcsClientTest, DescribeServicesParsesDeploymentsEventsAndTaskSets) {
  Respond(R"({"services": [{
    "serviceArn": "arn:svc/app/web", "serviceName": "web", "clusterArn": "arn:cluster/app",
    "status": "ACTIVE", "desiredCount": 2, "runningCount": 1, "pendingCount": 1,
    "launchType": "FARGATE", "platformVersion": "LATEST", "taskDefinition": "arn:td/web:2",
    "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": true, "rollback": true},
        "maximumPercent": 200, "minimumHealthyPercent": 100},
    "deploymentController": {"type": "ECS"},
    "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["s-1"],
        "securityGroups": ["sg-1"], "assignPublicIp": "DISABLED"}},
    "loadBalancers": [{"targetGroupArn": "arn:tg", "containerName": "web", "containerPort": 8000}],
    "healthCheckGracePeriodSeconds": 30, "propagateTags": "SERVICE",
    "enableECSManagedTags": true, "schedulingStrategy": "REPLICA", "createdAt": 1700000000,
    "createdBy": "arn:aws:iam::1:root", "tags": [{"key": "app", "value": "shop"}],
    "deployments": [
      {"id": "ecs-svc/2", "status": "PRIMARY", "taskDefinition": "arn:td/web:2", "desiredCount": 2,
       "pendingCount": 1, "runningCount": 1, "failedTasks": 3, "rolloutState": "IN_PROGRESS",
       "rolloutStateReason": "ECS deployment ecs-svc/2 in progress.", "createdAt": 1700000100.25,
       "updatedAt": 1700000200.5, "launchType": "FARGATE"},
      {"id": "ecs-svc/1", "status": "ACTIVE", "taskDefinition": "arn:td/web:1", "desiredCount": 0,
       "pendingCount": 0, "runningCount": 1, "failedTasks": 0, "rolloutState": "COMPLETED"}],
    "events": [{"id": "e2", "createdAt": 1700000300, "message": "(service web) has started 1 tasks."},
               {"id": "e1", "createdAt": 1700000100, "message": "(service web) registered 1 targets"}],
    "taskSets": []}], "failures": [{"arn": "arn:svc/app/gone", "reason": "MISSING"}]})");
  auto got = Call<EcsDescribeServicesResult>([&](auto done) {
    ecs_.DescribeServices("app", {"web", "gone"}, std::move(done));
  });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(Body(0), json::parse(R"({"cluster": "app", "services": ["web", "gone"],
      "include": ["TAGS"]})"));
  ASSERT_EQ(got->services.size(), 1u);
  const EcsService& s = got->services[0];
  EXPECT_EQ(s.name, "web");
  EXPECT_EQ(s.desired_count, 2);
  EXPECT_EQ(s.running_count, 1);
  EXPECT_EQ(s.pending_count, 1);
  EXPECT_EQ(s.deployment_configuration,
            (EcsDeploymentConfiguration{200, 100, EcsDeploymentCircuitBreaker{true, true}}));
  EXPECT_EQ(s.deployment_controller, "ECS");
  EXPECT_EQ(s.network_configuration, (EcsNetworkConfiguration{{"s-1"}, {"sg-1"}, false}));
  EXPECT_EQ(s.load_balancers, (std::vector<EcsLoadBalancer>{{"arn:tg", "", "web", 8000}}));
  EXPECT_EQ(s.health_check_grace_period_seconds, 30);
  EXPECT_EQ(s.propagate_tags, "SERVICE");
  EXPECT_TRUE(s.enable_ecs_managed_tags);
  EXPECT_EQ(s.created_at_ms, 1700000000000);
  EXPECT_EQ(s.tags.at("app"), "shop");
  ASSERT_EQ(s.deployments.size(), 2u);
  EXPECT_EQ(s.deployments[0].id, "ecs-svc/2");
  EXPECT_EQ(s.deployments[0].status, "PRIMARY");
  EXPECT_EQ(s.deployments[0].failed_tasks, 3);
  EXPECT_EQ(s.deployments[0].rollout_state, "IN_PROGRESS");
  EXPECT_EQ(s.deployments[0].created_at_ms, 1700000100250);
  EXPECT_EQ(s.deployments[0].updated_at_ms, 1700000200500);
  EXPECT_EQ(s.deployments[1].rollout_state, "COMPLETED");
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(s.events[0].id, "e2");
  EXPECT_EQ(s.events[0].created_at_ms, 1700000300000);
  EXPECT_TRUE(s.task_sets.empty());
  ASSERT_EQ(got->failures.size(), 1u);
  EXPECT_EQ(got->failures[0].arn, "arn:svc/app/gone");

  // Empty lists, absent members.
  Respond(R"({"services": [], "failures": []})");
  auto empty = Call<EcsDescribeServicesResult>(
      [&](auto done) { ecs_.DescribeServices("app", {"x"}, std::move(done)); });
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->services.empty());
  EXPECT_TRUE(empty->failures.empty());

  Respond(R"({"services": [{"serviceName": "web"}]})");
  auto bare = Call<EcsDescribeServicesResult>(
      [&](auto done) { ecs_.DescribeServices("", {"web"}, std::move(done)); });
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(Body(2), json::parse(R"({"services": ["web"], "include": ["TAGS"]})"));
  ASSERT_EQ(bare->services.size(), 1u);
  EXPECT_FALSE(bare->services[0].network_configuration.has_value());
  EXPECT_FALSE(bare->services[0].health_check_grace_period_seconds.has_value());
  EXPECT_FALSE(bare->services[0].deployment_configuration.circuit_breaker.has_value());

  for (const char* body : {R"({"services": {}})", R"({"services": [{"desiredCount": "2"}]})",
                           R"({"services": [{"deployments": [{"failedTasks": true}]}]})",
                           R"({"services": [{"events": [{"createdAt": "now"}]}]})",
                           R"({"services": [{"networkConfiguration": []}]})"}) {
    SCOPED_TRACE(body);
    Respond(body);
    auto bad = Call<EcsDescribeServicesResult>(
        [&](auto done) { ecs_.DescribeServices("app", {"web"}, std::move(done)); });
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code(), "MalformedResponse");
  }
}

TEST_F(EcsClientTest, DeleteServiceAndErrorsPassThrough) {
  Respond(R"({"service": {"serviceName": "web", "status": "DRAINING"}})");
  auto got =
      Call<EcsService>([&](auto done) { ecs_.DeleteService("app", "web", true, std::move(done)); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->status, "DRAINING");
  EXPECT_EQ(Body(0), json::parse(R"({"cluster": "app", "service": "web", "force": true})"));

  Respond(R"({"__type": "ServiceNotFoundException", "message": "Service not found."})", 400);
  auto missing = Call<EcsService>(
      [&](auto done) { ecs_.DeleteService("app", "web", false, std::move(done)); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), "ServiceNotFoundException");
  EXPECT_EQ(missing.error().message(), "Service not found.");
  EXPECT_EQ(missing.error().request_id(), "req-2");
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(Body(1), json::parse(R"({"cluster": "app", "service": "web"})"));

  Respond(R"({})");
  auto no_service = Call<EcsService>(
      [&](auto done) { ecs_.DeleteService("app", "web", false, std::move(done)); });
  ASSERT_FALSE(no_service.ok());
  EXPECT_EQ(no_service.error().code(), "MalformedResponse");
}

TEST_F(EcsClientTest, RunTaskEncodesOverridesAndParsesTasks) {
  Respond(R"({"tasks": [{
      "taskArn": "arn:task/app/abc", "clusterArn": "arn:cluster/app",
      "taskDefinitionArn": "arn:td/migrate:1", "lastStatus": "STOPPED", "desiredStatus": "STOPPED",
      "launchType": "FARGATE", "cpu": "256", "memory": "512", "group": "family:migrate",
      "startedBy": "wharf/migrate", "stopCode": "EssentialContainerExited",
      "stoppedReason": "Essential container in task exited", "healthStatus": "UNKNOWN",
      "availabilityZone": "eu-west-1a", "version": 7,
      "createdAt": 1700000000, "pullStartedAt": 1700000001, "pullStoppedAt": 1700000002,
      "startedAt": 1700000003, "stoppingAt": 1700000004, "executionStoppedAt": 1700000005,
      "stoppedAt": 1700000006.5,
      "attachments": [{"type": "ElasticNetworkInterface", "status": "DELETED", "details": [
          {"name": "subnetId", "value": "subnet-1"},
          {"name": "privateIPv4Address", "value": "10.0.1.7"}]}],
      "containers": [{"containerArn": "arn:container/1", "name": "migrate", "image": "app:v7",
          "imageDigest": "sha256:abc", "runtimeId": "r1", "lastStatus": "STOPPED", "exitCode": 3,
          "reason": "exit 3", "healthStatus": "UNKNOWN",
          "networkInterfaces": [{"attachmentId": "a", "privateIpv4Address": "10.0.1.7"}]}],
      "overrides": {"containerOverrides": [{"name": "migrate", "command": ["migrate"]}]},
      "tags": [{"key": "wharf:app", "value": "shop"}]}], "failures": []})");
  EcsRunTaskRequest r;
  r.cluster = "app";
  r.task_definition = "migrate";
  r.count = 1;
  r.launch_type = "FARGATE";
  r.network_configuration = EcsNetworkConfiguration{{"subnet-1"}, {}, false};
  r.overrides =
      EcsTaskOverride{.container_overrides = {EcsContainerOverride{.name = "migrate",
                                                                   .command = {"migrate"},
                                                                   .environment = {{"STEP", "7"}},
                                                                   .memory = 1024}},
                      .cpu = "512",
                      .task_role_arn = "arn:role"};
  r.started_by = "wharf/migrate";
  r.group = "migrations";
  r.tags = {{"wharf:app", "shop"}};
  r.propagate_tags = "TASK_DEFINITION";
  r.enable_ecs_managed_tags = true;
  r.client_token = "run-1";
  auto got = Call<EcsRunTaskResult>([&](auto done) { ecs_.RunTask(r, std::move(done)); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(Body(0), json::parse(R"({"cluster": "app", "taskDefinition": "migrate", "count": 1,
      "launchType": "FARGATE",
      "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"],
          "assignPublicIp": "DISABLED"}},
      "overrides": {"containerOverrides": [{"name": "migrate", "command": ["migrate"],
          "environment": [{"name": "STEP", "value": "7"}], "memory": 1024}],
          "cpu": "512", "taskRoleArn": "arn:role"},
      "startedBy": "wharf/migrate", "group": "migrations",
      "tags": [{"key": "wharf:app", "value": "shop"}], "propagateTags": "TASK_DEFINITION",
      "enableECSManagedTags": true, "clientToken": "run-1"})"));
  ASSERT_EQ(got->tasks.size(), 1u);
  const EcsTask& t = got->tasks[0];
  EXPECT_EQ(t.arn, "arn:task/app/abc");
  EXPECT_EQ(t.last_status, "STOPPED");
  EXPECT_EQ(t.desired_status, "STOPPED");
  EXPECT_EQ(t.group, "family:migrate");
  EXPECT_EQ(t.started_by, "wharf/migrate");
  EXPECT_EQ(t.stop_code, "EssentialContainerExited");
  EXPECT_EQ(t.stopped_reason, "Essential container in task exited");
  EXPECT_EQ(t.availability_zone, "eu-west-1a");
  EXPECT_EQ(t.private_ipv4_address, "10.0.1.7");
  EXPECT_EQ(t.version, 7);
  EXPECT_EQ(t.created_at_ms, 1700000000000);
  EXPECT_EQ(t.pull_started_at_ms, 1700000001000);
  EXPECT_EQ(t.pull_stopped_at_ms, 1700000002000);
  EXPECT_EQ(t.started_at_ms, 1700000003000);
  EXPECT_EQ(t.stopping_at_ms, 1700000004000);
  EXPECT_EQ(t.execution_stopped_at_ms, 1700000005000);
  EXPECT_EQ(t.stopped_at_ms, 1700000006500);
  ASSERT_EQ(t.containers.size(), 1u);
  EXPECT_EQ(t.containers[0].exit_code, 3);
  EXPECT_EQ(t.containers[0].reason, "exit 3");
  EXPECT_EQ(t.containers[0].image_digest, "sha256:abc");
  EXPECT_EQ(t.containers[0].private_ipv4_address, "10.0.1.7");
  ASSERT_EQ(t.overrides.container_overrides.size(), 1u);
  EXPECT_EQ(t.overrides.container_overrides[0].command, std::vector<std::string>{"migrate"});
  EXPECT_EQ(t.tags.at("wharf:app"), "shop");
}

TEST_F(EcsClientTest, RunTaskFailuresAndAPendingTaskWithoutExitCode) {
  Respond(R"({"tasks": [{"taskArn": "t", "lastStatus": "PROVISIONING",
      "containers": [{"name": "c", "lastStatus": "PENDING"}]}],
      "failures": [{"arn": "arn:x", "reason": "RESOURCE:MEMORY", "detail": "d"}]})");
  EcsRunTaskRequest r;
  r.task_definition = "f";
  auto got = Call<EcsRunTaskResult>([&](auto done) { ecs_.RunTask(r, std::move(done)); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(Body(0), json::parse(R"({"taskDefinition": "f", "count": 1})"));
  ASSERT_EQ(got->tasks.size(), 1u);
  ASSERT_EQ(got->tasks[0].containers.size(), 1u);
  EXPECT_FALSE(got->tasks[0].containers[0].exit_code.has_value());
  EXPECT_EQ(got->tasks[0].stopped_at_ms, 0);
  EXPECT_EQ(got->tasks[0].private_ipv4_address, "");
  ASSERT_EQ(got->failures.size(), 1u);
  EXPECT_EQ(got->failures[0].reason, "RESOURCE:MEMORY");
  EXPECT_EQ(got->failures[0].detail, "d");

  Respond(R"({"tasks": [{"containers": [{"exitCode": "3"}]}]})");
  auto bad = Call<EcsRunTaskResult>([&](auto done) { ecs_.RunTask(r, std::move(done)); });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), "MalformedResponse");
}

TEST_F(EcsClientTest, ListTasksDescribeTasksAndStopTaskRequests) {
  Respond(R"({"taskArns": ["t1"], "nextToken": "n"})");
  Respond(R"({"taskArns": ["t2"], "nextToken": null})");
  EcsListTasksRequest list;
  list.cluster = "app";
  list.service_name = "web";
  list.family = "web";
  list.started_by = "me";
  list.desired_status = "STOPPED";
  list.launch_type = "FARGATE";
  list.max_results = 1;
  auto arns =
      Call<std::vector<std::string>>([&](auto done) { ecs_.ListTasks(list, std::move(done)); });
  ASSERT_TRUE(arns.ok()) << arns.status().ToString();
  EXPECT_EQ(arns.value(), (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(Body(1), json::parse(R"({"cluster": "app", "serviceName": "web", "family": "web",
      "startedBy": "me", "desiredStatus": "STOPPED", "launchType": "FARGATE", "maxResults": 1,
      "nextToken": "n"})"));

  Respond(R"({"tasks": [], "failures": [{"arn": "arn:task/app/t3", "reason": "MISSING"}]})");
  auto described = Call<EcsDescribeTasksResult>(
      [&](auto done) { ecs_.DescribeTasks("app", {"t3"}, std::move(done)); });
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  EXPECT_TRUE(described->tasks.empty());
  ASSERT_EQ(described->failures.size(), 1u);
  EXPECT_EQ(Body(2), json::parse(R"({"cluster": "app", "tasks": ["t3"], "include": ["TAGS"]})"));

  Respond(R"({"task": {"taskArn": "t1", "desiredStatus": "STOPPED"}})");
  auto stopped =
      Call<EcsTask>([&](auto done) { ecs_.StopTask("app", "t1", "replaced", std::move(done)); });
  ASSERT_TRUE(stopped.ok()) << stopped.status().ToString();
  EXPECT_EQ(stopped->desired_status, "STOPPED");
  EXPECT_EQ(Body(3), json::parse(R"({"cluster": "app", "task": "t1", "reason": "replaced"})"));
}

TEST_F(EcsClientTest, TaskSetRequestsAndParsing) {
  const char* task_set = R"({"taskSet": {"id": "ecs-svc/1", "taskSetArn": "arn:ts",
      "serviceArn": "arn:svc", "clusterArn": "arn:cluster", "externalId": "blue",
      "status": "ACTIVE", "taskDefinition": "arn:td/web:1", "computedDesiredCount": 2,
      "pendingCount": 1, "runningCount": 1, "launchType": "FARGATE",
      "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["s-1"]}},
      "loadBalancers": [{"targetGroupArn": "arn:tg", "containerName": "web", "containerPort": 80}],
      "scale": {"value": 50.0, "unit": "PERCENT"}, "stabilityStatus": "STABILIZING",
      "stabilityStatusAt": 1700000000, "createdAt": 1700000000, "updatedAt": 1700000001,
      "tags": [{"key": "color", "value": "blue"}]}})";
  Respond(task_set);
  EcsCreateTaskSetRequest create;
  create.cluster = "app";
  create.service = "web";
  create.task_definition = "web:1";
  create.external_id = "blue";
  create.launch_type = "FARGATE";
  create.network_configuration = EcsNetworkConfiguration{{"s-1"}, {}, false};
  create.load_balancers = {EcsLoadBalancer{"arn:tg", "", "web", 80}};
  create.scale = EcsScale{50.0, "PERCENT"};
  create.tags = {{"color", "blue"}};
  create.client_token = "blue-1";
  auto created = Call<EcsTaskSet>([&](auto done) { ecs_.CreateTaskSet(create, std::move(done)); });
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(Body(0), json::parse(R"({"cluster": "app", "service": "web",
      "taskDefinition": "web:1", "externalId": "blue", "launchType": "FARGATE",
      "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["s-1"],
          "assignPublicIp": "DISABLED"}},
      "loadBalancers": [{"targetGroupArn": "arn:tg", "containerName": "web", "containerPort": 80}],
      "scale": {"value": 50.0, "unit": "PERCENT"}, "tags": [{"key": "color", "value": "blue"}],
      "clientToken": "blue-1"})"));
  EXPECT_EQ(created->id, "ecs-svc/1");
  EXPECT_EQ(created->external_id, "blue");
  EXPECT_EQ(created->computed_desired_count, 2);
  EXPECT_EQ(created->scale, (EcsScale{50.0, "PERCENT"}));
  EXPECT_EQ(created->stability_status, "STABILIZING");
  EXPECT_EQ(created->updated_at_ms, 1700000001000);
  EXPECT_EQ(created->tags.at("color"), "blue");
  EXPECT_EQ(created->load_balancers.size(), 1u);

  Respond(task_set);
  ASSERT_TRUE(Call<EcsTaskSet>([&](auto done) {
                ecs_.UpdateTaskSet("app", "web", "arn:ts", EcsScale{0, "PERCENT"}, std::move(done));
              }).ok());
  EXPECT_EQ(Body(1), json::parse(R"({"cluster": "app", "service": "web", "taskSet": "arn:ts",
      "scale": {"value": 0.0, "unit": "PERCENT"}})"));
  Respond(task_set);
  ASSERT_TRUE(Call<EcsTaskSet>([&](auto done) {
                ecs_.DeleteTaskSet("app", "web", "arn:ts", true, std::move(done));
              }).ok());
  EXPECT_EQ(Body(2), json::parse(R"({"cluster": "app", "service": "web", "taskSet": "arn:ts",
      "force": true})"));
  Respond(task_set);
  ASSERT_TRUE(Call<EcsTaskSet>([&](auto done) {
                ecs_.UpdateServicePrimaryTaskSet("app", "web", "arn:ts", std::move(done));
              }).ok());
  EXPECT_EQ(Body(3), json::parse(R"({"cluster": "app", "service": "web",
      "primaryTaskSet": "arn:ts"})"));
  Respond(R"({"taskSets": [], "failures": []})");
  auto described = Call<EcsDescribeTaskSetsResult>(
      [&](auto done) { ecs_.DescribeTaskSets("app", "web", {}, std::move(done)); });
  ASSERT_TRUE(described.ok());
  EXPECT_EQ(Body(4), json::parse(R"({"cluster": "app", "service": "web", "include": ["TAGS"]})"));

  Respond(R"({"taskSet": {"scale": {"value": "50"}}})");
  auto bad = Call<EcsTaskSet>(
      [&](auto done) { ecs_.UpdateTaskSet("app", "web", "arn:ts", EcsScale{}, std::move(done)); });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), "MalformedResponse");
}

TEST_F(EcsClientTest, ListServicesPages) {
  Respond(R"({"serviceArns": ["s1"], "nextToken": "n"})");
  Respond(R"({"serviceArns": ["s2"]})");
  auto got =
      Call<std::vector<std::string>>([&](auto done) { ecs_.ListServices("app", std::move(done)); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got.value(), (std::vector<std::string>{"s1", "s2"}));
  EXPECT_EQ(Body(1), json::parse(R"({"cluster": "app", "nextToken": "n"})"));
}

}  // namespace
}  // namespace wharf::aws
