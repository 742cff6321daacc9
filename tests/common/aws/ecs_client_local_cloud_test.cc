// EcsClient, StsClient and AwsClient against the local cloud (localcloud/):
// one cloud per suite, reset before each test.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/aws/ecs_client.h"
#include "common/aws/sts_client.h"
#include "tests/common/aws/json_local_cloud_fixture.h"
#include "tests/support/run_command.h"

namespace wharf::aws {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr char kAccount[] = "123456789012";

class EcsClientLocalCloudTest : public test::JsonLocalCloudTest {
 protected:
  void SetUp() override {
    test::JsonLocalCloudTest::SetUp();
    if (HasFatalFailure()) return;
    ecs_ = std::make_unique<EcsClient>(*client_);
  }

  void TearDown() override {
    ecs_.reset();
    test::JsonLocalCloudTest::TearDown();
  }

  Outcome<EcsCluster> CreateCluster(const std::string& name,
                                    const std::map<std::string, std::string>& tags = {}) {
    return Call<EcsCluster>([&](auto done) { ecs_->CreateCluster(name, tags, std::move(done)); });
  }

  // A Fargate task definition (task-level cpu/memory, awsvpc) of one
  // container named after the family.
  static EcsTaskDefinition FargateDefinition(const std::string& family,
                                             const std::string& image = "app:v1") {
    EcsTaskDefinition d;
    d.family = family;
    d.cpu = "256";
    d.memory = "512";
    d.network_mode = "awsvpc";
    d.requires_compatibilities = {"FARGATE"};
    EcsContainerDefinition c;
    c.name = family;
    c.image = image;
    c.essential = true;
    c.port_mappings = {EcsPortMapping{.container_port = 8000, .protocol = "tcp"}};
    d.containers.push_back(c);
    return d;
  }

  Outcome<EcsTaskDefinition> Register(const EcsTaskDefinition& definition) {
    return Call<EcsTaskDefinition>(
        [&](auto done) { ecs_->RegisterTaskDefinition(definition, std::move(done)); });
  }

  Outcome<EcsDescribeServicesResult> DescribeService(const std::string& cluster,
                                                     const std::string& service) {
    return Call<EcsDescribeServicesResult>(
        [&](auto done) { ecs_->DescribeServices(cluster, {service}, std::move(done)); });
  }

  EcsNetworkConfiguration Network() {
    EcsNetworkConfiguration n;
    std::vector<std::string> subnets = DefaultSubnets();
    EXPECT_FALSE(subnets.empty());
    if (!subnets.empty()) n.subnets = {subnets[0]};
    return n;
  }

  std::unique_ptr<EcsClient> ecs_;
};

// ---------------------------------------------------------------------------
// Clusters and the client machinery

TEST_F(EcsClientLocalCloudTest, CreateThenDescribeFindsItAndTheAwsCliAgrees) {
  auto created = CreateCluster("wharf-web", {{"app", "shop"}});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->name, "wharf-web");
  EXPECT_EQ(created->status, "ACTIVE");
  EXPECT_EQ(created->arn, "arn:aws:ecs:us-east-1:123456789012:cluster/wharf-web");

  auto result = Call<EcsDescribeClustersResult>([&](auto done) {
    ecs_->DescribeClusters({"wharf-web", "missing"}, std::move(done));
  });
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->clusters.size(), 1u);
  EXPECT_EQ(result->clusters[0].arn, created->arn);
  EXPECT_EQ(result->clusters[0].status, "ACTIVE");
  EXPECT_EQ(result->clusters[0].tags.count("app"), 1u);
  ASSERT_EQ(result->failures.size(), 1u);
  EXPECT_EQ(result->failures[0].reason, "MISSING");

  auto cli = AwsCli("ecs describe-clusters --clusters wharf-web");
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  json parsed = json::parse(cli.output, nullptr, false);
  ASSERT_TRUE(parsed.is_object()) << cli.output;
  ASSERT_EQ(parsed["clusters"].size(), 1u) << cli.output;
  EXPECT_EQ(parsed["clusters"][0]["clusterName"], "wharf-web");
  EXPECT_EQ(parsed["clusters"][0]["clusterArn"], created->arn);
  EXPECT_EQ(parsed["clusters"][0]["status"], "ACTIVE");
}

TEST_F(EcsClientLocalCloudTest, ListAndDeleteClusters) {
  ASSERT_TRUE(CreateCluster("a").ok());
  ASSERT_TRUE(CreateCluster("b").ok());
  auto arns =
      Call<std::vector<std::string>>([&](auto done) { ecs_->ListClusters(std::move(done)); });
  ASSERT_TRUE(arns.ok()) << arns.status().ToString();
  EXPECT_EQ(arns->size(), 2u);

  auto gone = Call<EcsCluster>([&](auto done) { ecs_->DeleteCluster("a", std::move(done)); });
  ASSERT_TRUE(gone.ok()) << gone.status().ToString();
  EXPECT_EQ(gone->name, "a");

  // Deleting an unknown cluster is a terminal, typed error from moto's JSON
  // error body.
  auto missing =
      Call<EcsCluster>([&](auto done) { ecs_->DeleteCluster("never-existed", std::move(done)); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), "ClusterNotFoundException");
  EXPECT_FALSE(missing.error().retryable());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(missing.error().http_status(), 400);
}

TEST_F(EcsClientLocalCloudTest, TagResourceAddsTags) {
  auto created = CreateCluster("tagged", {{"app", "shop"}});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  auto result = Call<bool>([&](auto done) {
    ecs_->TagResource(created->arn, {{"app", "shop"}, {"team", "web"}}, std::move(done));
  });
  ASSERT_TRUE(result.ok()) << result.status().ToString();

  auto found = Call<EcsDescribeClustersResult>(
      [&](auto done) { ecs_->DescribeClusters({"tagged"}, std::move(done)); });
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->clusters.size(), 1u);
  EXPECT_EQ(found->clusters[0].tags,
            (std::map<std::string, std::string>{{"app", "shop"}, {"team", "web"}}));
}

TEST_F(EcsClientLocalCloudTest, StsGetCallerIdentityOverQueryProtocol) {
  StsClient sts(*client_);
  auto got = Call<CallerIdentity>([&](auto done) { sts.GetCallerIdentity(std::move(done)); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->account, kAccount);
  EXPECT_FALSE(got->arn.empty());
}

TEST_F(EcsClientLocalCloudTest, QueryProtocolErrorIsParsedFromXml) {
  auto got = Call<AwsClient::XmlDocument>([&](auto done) {
    client_->CallQuery(services::kIam, "GetRole", {{"RoleName", "no-such-role"}}, std::move(done));
  });
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().service(), "iam");
  EXPECT_EQ(got.error().code(), "NoSuchEntity");
  EXPECT_FALSE(got.error().message().empty());
  EXPECT_FALSE(got.error().request_id().empty());
  EXPECT_EQ(got.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(client_->attempts_sent(), 1);
}

TEST_F(EcsClientLocalCloudTest, FiftyConcurrentDescribeClustersAllComplete) {
  ASSERT_TRUE(CreateCluster("busy").ok());
  constexpr int kCalls = 50;
  int done = 0;
  int ok = 0;
  for (int i = 0; i < kCalls; ++i) {
    ecs_->DescribeClusters({"busy"}, [&](Outcome<EcsDescribeClustersResult> r) {
      ++done;
      if (r.ok() && r->clusters.size() == 1) ++ok;
    });
  }
  ASSERT_TRUE(test_support::RunUntil(
      io_, [&] { return done == kCalls; }, seconds(60)))
      << done << " of " << kCalls << " completed";
  EXPECT_EQ(ok, kCalls);
  EXPECT_EQ(transport_->in_flight(), 0u);
  EXPECT_LE(transport_->connections_opened(), kCalls + 1);
}

TEST_F(EcsClientLocalCloudTest, ResetForgetsClusters) {
  ASSERT_TRUE(CreateCluster("temp").ok());
  ASSERT_TRUE(cloud_->Reset().ok());
  auto arns =
      Call<std::vector<std::string>>([&](auto done) { ecs_->ListClusters(std::move(done)); });
  ASSERT_TRUE(arns.ok()) << arns.status().ToString();
  EXPECT_TRUE(arns->empty());
}

// ---------------------------------------------------------------------------
// Task definitions

TEST_F(EcsClientLocalCloudTest, TaskDefinitionIsDescribedBackFieldForField) {
  EcsTaskDefinition d;
  d.family = "shop-web";
  d.cpu = "512";
  d.memory = "1024";
  d.network_mode = "awsvpc";
  d.requires_compatibilities = {"FARGATE"};
  d.execution_role_arn = "arn:aws:iam::123456789012:role/shop-exec";
  d.task_role_arn = "arn:aws:iam::123456789012:role/shop-task";
  d.tags = {{"wharf:app", "shop"}, {"team", "web"}};
  EcsContainerDefinition web;
  web.name = "web";
  web.image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:v7";
  web.essential = true;
  web.entry_point = {"/entrypoint.sh"};
  web.command = {"gunicorn", "shop.wsgi", "--bind", "0.0.0.0:8000"};
  web.environment = {{"DJANGO_SETTINGS", "shop.prod"}, {"WORKERS", "4"}};
  web.secrets = {
      {"DATABASE_URL", "arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/db-AbCdEf"},
      {"API_KEY", "arn:aws:ssm:us-east-1:123456789012:parameter/shop/api-key"}};
  web.port_mappings = {EcsPortMapping{.container_port = 8000, .protocol = "tcp"}};
  web.log_configuration = EcsLogConfiguration{"awslogs",
                                              {{"awslogs-group", "/wharf/shop"},
                                               {"awslogs-region", "us-east-1"},
                                               {"awslogs-stream-prefix", "web"}}};
  web.health_check =
      EcsHealthCheck{{"CMD-SHELL", "curl -f http://localhost:8000/health"}, 15, 5, 3, 30};
  web.working_directory = "/app";
  web.user = "1000";
  web.stop_timeout_seconds = 20;
  EcsContainerDefinition sidecar;
  sidecar.name = "metrics";
  sidecar.image = "public.ecr.aws/metrics/agent:1.2";
  sidecar.essential = false;
  sidecar.memory_reservation = 64;
  d.containers = {web, sidecar};

  auto registered = Register(d);
  ASSERT_TRUE(registered.ok()) << registered.status().ToString();
  EXPECT_EQ(registered->arn, "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-web:1");
  EXPECT_EQ(registered->revision, 1);
  EXPECT_EQ(registered->status, "ACTIVE");
  EXPECT_EQ(registered->tags, d.tags);

  auto described = Call<EcsTaskDefinition>(
      [&](auto done) { ecs_->DescribeTaskDefinition("shop-web", std::move(done)); });
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  const EcsTaskDefinition& got = described.value();
  EXPECT_EQ(got.family, d.family);
  EXPECT_EQ(got.arn, registered->arn);
  EXPECT_EQ(got.revision, 1);
  EXPECT_EQ(got.cpu, d.cpu);
  EXPECT_EQ(got.memory, d.memory);
  EXPECT_EQ(got.network_mode, d.network_mode);
  EXPECT_EQ(got.requires_compatibilities, d.requires_compatibilities);
  EXPECT_EQ(got.execution_role_arn, d.execution_role_arn);
  EXPECT_EQ(got.task_role_arn, d.task_role_arn);
  EXPECT_EQ(got.tags, d.tags);
  ASSERT_EQ(got.containers.size(), 2u);
  EXPECT_EQ(got.containers[0], d.containers[0]);
  EXPECT_EQ(got.containers[0].secrets, web.secrets);
  EXPECT_EQ(got.containers[0].health_check, web.health_check);
  EXPECT_EQ(got.containers[0].log_configuration, web.log_configuration);
  EXPECT_EQ(got.containers[1], d.containers[1]);

  // A second registration is revision 2; deregistering revision 1 leaves it
  // describable as INACTIVE.
  ASSERT_TRUE(Register(d).ok());
  auto deregistered = Call<EcsTaskDefinition>(
      [&](auto done) { ecs_->DeregisterTaskDefinition("shop-web:1", std::move(done)); });
  ASSERT_TRUE(deregistered.ok()) << deregistered.status().ToString();
  EXPECT_EQ(deregistered->status, "INACTIVE");
  EXPECT_EQ(deregistered->revision, 1);
  auto latest = Call<EcsTaskDefinition>(
      [&](auto done) { ecs_->DescribeTaskDefinition("shop-web", std::move(done)); });
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  EXPECT_EQ(latest->revision, 2);

  auto unknown = Call<EcsTaskDefinition>(
      [&](auto done) { ecs_->DescribeTaskDefinition("never-registered", std::move(done)); });
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), "ClientException");
  EXPECT_FALSE(unknown.retryable());
}

TEST_F(EcsClientLocalCloudTest, ListTaskDefinitionsFollowsNextTokenWithSmallPages) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Register(FargateDefinition("web")).ok());
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(Register(FargateDefinition("worker")).ok());

  const int64_t before = client_->attempts_sent();
  EcsListTaskDefinitionsRequest all;
  all.max_results = 2;
  auto arns = Call<std::vector<std::string>>(
      [&](auto done) { ecs_->ListTaskDefinitions(all, std::move(done)); });
  ASSERT_TRUE(arns.ok()) << arns.status().ToString();
  ASSERT_EQ(arns->size(), 7u);
  EXPECT_EQ(client_->attempts_sent() - before, 4) << "7 ARNs in pages of 2";
  EXPECT_EQ(arns->front(), "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1");

  EcsListTaskDefinitionsRequest web;
  web.family_prefix = "web";
  web.sort = "DESC";
  web.max_results = 1;
  auto web_arns = Call<std::vector<std::string>>(
      [&](auto done) { ecs_->ListTaskDefinitions(web, std::move(done)); });
  ASSERT_TRUE(web_arns.ok()) << web_arns.status().ToString();
  ASSERT_EQ(web_arns->size(), 5u);
  EXPECT_EQ(web_arns->front(), "arn:aws:ecs:us-east-1:123456789012:task-definition/web:5");

  ASSERT_TRUE(Call<EcsTaskDefinition>([&](auto done) {
                ecs_->DeregisterTaskDefinition("web:2", std::move(done));
              }).ok());
  EcsListTaskDefinitionsRequest inactive;
  inactive.status = "INACTIVE";
  auto inactive_arns = Call<std::vector<std::string>>(
      [&](auto done) { ecs_->ListTaskDefinitions(inactive, std::move(done)); });
  ASSERT_TRUE(inactive_arns.ok()) << inactive_arns.status().ToString();
  EXPECT_EQ(inactive_arns.value(),
            std::vector<std::string>{"arn:aws:ecs:us-east-1:123456789012:task-definition/web:2"});
}

// ---------------------------------------------------------------------------
// Services

TEST_F(EcsClientLocalCloudTest, ServiceReachesDesiredCountAndUpdateRollsANewDeployment) {
  ControlOk("clock", {{"speed", 60}});
  ASSERT_TRUE(CreateCluster("app").ok());
  auto v1 = Register(FargateDefinition("web", "app:v1"));
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();

  EcsCreateServiceRequest request;
  request.cluster = "app";
  request.service_name = "web";
  request.task_definition = v1->arn;
  request.desired_count = 2;
  request.launch_type = "FARGATE";
  request.network_configuration = Network();
  request.deployment_configuration = EcsDeploymentConfiguration{
      .maximum_percent = 200,
      .minimum_healthy_percent = 50,
      .circuit_breaker = EcsDeploymentCircuitBreaker{.enable = true, .rollback = true}};
  request.propagate_tags = "SERVICE";
  request.enable_ecs_managed_tags = true;
  request.tags = {{"wharf:app", "shop"}};
  request.client_token = "create-web-1";
  auto created =
      Call<EcsService>([&](auto done) { ecs_->CreateService(request, std::move(done)); });
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->arn, "arn:aws:ecs:us-east-1:123456789012:service/app/web");
  EXPECT_EQ(created->status, "ACTIVE");
  EXPECT_EQ(created->desired_count, 2);
  EXPECT_EQ(created->launch_type, "FARGATE");
  EXPECT_EQ(created->task_definition, v1->arn);
  EXPECT_EQ(created->deployment_controller, "ECS");
  EXPECT_EQ(created->deployment_configuration, *request.deployment_configuration);
  EXPECT_EQ(created->network_configuration, request.network_configuration);
  EXPECT_EQ(created->propagate_tags, "SERVICE");
  EXPECT_TRUE(created->enable_ecs_managed_tags);
  ASSERT_EQ(created->deployments.size(), 1u);
  EXPECT_EQ(created->deployments[0].status, "PRIMARY");
  EXPECT_EQ(created->deployments[0].rollout_state, "IN_PROGRESS");

  // The same clientToken returns the service; another is refused.
  auto again = Call<EcsService>([&](auto done) { ecs_->CreateService(request, std::move(done)); });
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->arn, created->arn);
  request.client_token = "create-web-2";
  auto clash = Call<EcsService>([&](auto done) { ecs_->CreateService(request, std::move(done)); });
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().code(), "InvalidParameterException");

  // At 60x, two tasks start in a few simulated seconds; the bound is real time.
  auto steady = PollUntil<EcsDescribeServicesResult>(
      [&](auto done) { ecs_->DescribeServices("app", {"web"}, std::move(done)); },
      [](const EcsDescribeServicesResult& r) {
        return r.services.size() == 1 && r.services[0].running_count == 2 &&
               r.services[0].deployments.size() == 1 &&
               r.services[0].deployments[0].rollout_state == "COMPLETED";
      },
      seconds(30));
  ASSERT_TRUE(steady.ok()) << steady.status().ToString();
  ASSERT_EQ(steady->services.size(), 1u);
  const EcsService& s = steady->services[0];
  EXPECT_EQ(s.running_count, s.desired_count);
  EXPECT_EQ(s.pending_count, 0);
  ASSERT_EQ(s.deployments.size(), 1u);
  EXPECT_EQ(s.deployments[0].rollout_state, "COMPLETED");
  EXPECT_EQ(s.deployments[0].running_count, 2);
  EXPECT_EQ(s.deployments[0].failed_tasks, 0);
  EXPECT_GT(s.deployments[0].updated_at_ms, 0);
  EXPECT_EQ(s.tags, request.tags);
  ASSERT_FALSE(s.events.empty());
  EXPECT_NE(s.events.front().message.find("(service web)"), std::string::npos);
  EXPECT_GT(s.events.front().created_at_ms, 0);

  // The service's tasks: RUNNING, in its group, with an address.
  EcsListTasksRequest list;
  list.cluster = "app";
  list.service_name = "web";
  auto task_arns =
      Call<std::vector<std::string>>([&](auto done) { ecs_->ListTasks(list, std::move(done)); });
  ASSERT_TRUE(task_arns.ok()) << task_arns.status().ToString();
  ASSERT_EQ(task_arns->size(), 2u);
  auto tasks = Call<EcsDescribeTasksResult>(
      [&](auto done) { ecs_->DescribeTasks("app", task_arns.value(), std::move(done)); });
  ASSERT_TRUE(tasks.ok()) << tasks.status().ToString();
  ASSERT_EQ(tasks->tasks.size(), 2u);
  for (const EcsTask& t : tasks->tasks) {
    EXPECT_EQ(t.last_status, "RUNNING");
    EXPECT_EQ(t.group, "service:web");
    EXPECT_EQ(t.started_by, s.deployments[0].id);
    EXPECT_FALSE(t.private_ipv4_address.empty());
    EXPECT_GT(t.started_at_ms, 0);
  }

  // A new task definition starts a new PRIMARY deployment; the old one drains.
  auto v2 = Register(FargateDefinition("web", "app:v2"));
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  EcsUpdateServiceRequest update;
  update.cluster = "app";
  update.service = "web";
  update.task_definition = v2->arn;
  update.desired_count = 3;
  auto updated = Call<EcsService>([&](auto done) { ecs_->UpdateService(update, std::move(done)); });
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->task_definition, v2->arn);
  EXPECT_EQ(updated->desired_count, 3);
  ASSERT_EQ(updated->deployments.size(), 2u);
  EXPECT_EQ(updated->deployments[0].status, "PRIMARY");
  EXPECT_EQ(updated->deployments[0].task_definition, v2->arn);
  EXPECT_EQ(updated->deployments[1].status, "ACTIVE");
  EXPECT_EQ(updated->deployments[1].task_definition, v1->arn);
  auto rolled = PollUntil<EcsDescribeServicesResult>(
      [&](auto done) { ecs_->DescribeServices("app", {"web"}, std::move(done)); },
      [](const EcsDescribeServicesResult& r) {
        return r.services.size() == 1 && r.services[0].deployments.size() == 1 &&
               r.services[0].deployments[0].rollout_state == "COMPLETED" &&
               r.services[0].running_count == 3;
      },
      seconds(30));
  ASSERT_TRUE(rolled.ok()) << rolled.status().ToString();
  ASSERT_EQ(rolled->services[0].deployments.size(), 1u) << "deployment did not complete";
  EXPECT_EQ(rolled->services[0].deployments[0].task_definition, v2->arn);

  // Deleting needs desiredCount 0 or force; the service turns DRAINING.
  auto refused = Call<EcsService>(
      [&](auto done) { ecs_->DeleteService("app", "web", false, std::move(done)); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), "InvalidParameterException");
  auto deleted = Call<EcsService>(
      [&](auto done) { ecs_->DeleteService("app", "web", true, std::move(done)); });
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(deleted->status, "DRAINING");
  auto inactive = PollUntil<EcsDescribeServicesResult>(
      [&](auto done) { ecs_->DescribeServices("app", {"web"}, std::move(done)); },
      [](const EcsDescribeServicesResult& r) {
        return r.services.size() == 1 && r.services[0].status == "INACTIVE";
      },
      seconds(30));
  ASSERT_TRUE(inactive.ok()) << inactive.status().ToString();
  ASSERT_EQ(inactive->services.size(), 1u);
  EXPECT_EQ(inactive->services[0].status, "INACTIVE");
  auto listed = Call<std::vector<std::string>>(
      [&](auto done) { ecs_->ListServices("app", std::move(done)); });
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_TRUE(listed->empty());
}

TEST_F(EcsClientLocalCloudTest, ServiceErrorsAreTypedWithTheirStatus) {
  ASSERT_TRUE(CreateCluster("app").ok());
  EcsUpdateServiceRequest update;
  update.cluster = "app";
  update.service = "no-such-service";
  update.desired_count = 1;
  auto not_found =
      Call<EcsService>([&](auto done) { ecs_->UpdateService(update, std::move(done)); });
  ASSERT_FALSE(not_found.ok());
  EXPECT_EQ(not_found.error().code(), "ServiceNotFoundException");
  EXPECT_EQ(not_found.error().http_status(), 400);
  EXPECT_EQ(not_found.error().service(), "ecs");
  EXPECT_EQ(not_found.error().operation(), "UpdateService");
  EXPECT_FALSE(not_found.error().request_id().empty());
  EXPECT_EQ(not_found.status().code(), Status::Code::kNotFound);

  EcsCreateServiceRequest create;
  create.cluster = "no-such-cluster";
  create.service_name = "web";
  create.desired_count = 0;
  create.deployment_controller = "EXTERNAL";
  auto no_cluster =
      Call<EcsService>([&](auto done) { ecs_->CreateService(create, std::move(done)); });
  ASSERT_FALSE(no_cluster.ok());
  EXPECT_EQ(no_cluster.error().code(), "ClusterNotFoundException");
  EXPECT_EQ(no_cluster.status().code(), Status::Code::kNotFound);

  auto described = DescribeService("app", "no-such-service");
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  EXPECT_TRUE(described->services.empty());
  ASSERT_EQ(described->failures.size(), 1u);
  EXPECT_EQ(described->failures[0].reason, "MISSING");
  EXPECT_EQ(described->failures[0].arn,
            "arn:aws:ecs:us-east-1:123456789012:service/app/no-such-service");

  auto delete_missing = Call<EcsService>(
      [&](auto done) { ecs_->DeleteService("app", "no-such-service", true, std::move(done)); });
  ASSERT_FALSE(delete_missing.ok());
  EXPECT_EQ(delete_missing.error().code(), "ServiceNotFoundException");

  EcsListTasksRequest list;
  list.cluster = "no-such-cluster";
  auto tasks =
      Call<std::vector<std::string>>([&](auto done) { ecs_->ListTasks(list, std::move(done)); });
  ASSERT_FALSE(tasks.ok());
  EXPECT_EQ(tasks.error().code(), "ClusterNotFoundException");
}

// ---------------------------------------------------------------------------
// Tasks

TEST_F(EcsClientLocalCloudTest, RunTaskWithAScenarioExitCodeStopsWithIt) {
  ControlOk("clock", {{"speed", 60}});
  ControlOk("scenarios", {{"name", "migration fails"},
                          {"match", {{"command", "migrate"}}},
                          {"effect", {{"exit_code", 3}}}});
  ASSERT_TRUE(CreateCluster("app").ok());
  auto definition = Register(FargateDefinition("shop-migrate"));
  ASSERT_TRUE(definition.ok()) << definition.status().ToString();

  EcsRunTaskRequest run;
  run.cluster = "app";
  run.task_definition = "shop-migrate";
  run.launch_type = "FARGATE";
  run.network_configuration = Network();
  run.started_by = "wharf/migrate";
  run.client_token = "migrate-v7";
  run.overrides = EcsTaskOverride{
      .container_overrides = {EcsContainerOverride{.name = "shop-migrate",
                                                   .command = {"python", "manage.py", "migrate"},
                                                   .environment = {{"MIGRATION", "v7"}}}}};
  auto started = Call<EcsRunTaskResult>([&](auto done) { ecs_->RunTask(run, std::move(done)); });
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  ASSERT_EQ(started->tasks.size(), 1u);
  EXPECT_TRUE(started->failures.empty());
  const EcsTask& task = started->tasks[0];
  EXPECT_EQ(task.started_by, "wharf/migrate");
  EXPECT_EQ(task.group, "family:shop-migrate");
  EXPECT_EQ(task.desired_status, "RUNNING");
  EXPECT_EQ(task.task_definition_arn, definition->arn);
  EXPECT_EQ(task.overrides, *run.overrides);

  // The same clientToken gives the same task.
  auto again = Call<EcsRunTaskResult>([&](auto done) { ecs_->RunTask(run, std::move(done)); });
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_EQ(again->tasks.size(), 1u);
  EXPECT_EQ(again->tasks[0].arn, task.arn);

  auto stopped = PollUntil<EcsDescribeTasksResult>(
      [&](auto done) { ecs_->DescribeTasks("app", {task.arn}, std::move(done)); },
      [](const EcsDescribeTasksResult& r) {
        return r.tasks.size() == 1 && r.tasks[0].last_status == "STOPPED";
      },
      seconds(30));
  ASSERT_TRUE(stopped.ok()) << stopped.status().ToString();
  ASSERT_EQ(stopped->tasks.size(), 1u);
  const EcsTask& t = stopped->tasks[0];
  EXPECT_EQ(t.last_status, "STOPPED");
  EXPECT_EQ(t.desired_status, "STOPPED");
  EXPECT_EQ(t.stop_code, "EssentialContainerExited");
  EXPECT_FALSE(t.stopped_reason.empty());
  ASSERT_EQ(t.containers.size(), 1u);
  EXPECT_EQ(t.containers[0].name, "shop-migrate");
  EXPECT_EQ(t.containers[0].exit_code, 3);
  EXPECT_EQ(t.containers[0].last_status, "STOPPED");
  EXPECT_GT(t.created_at_ms, 0);
  EXPECT_LE(t.created_at_ms, t.started_at_ms);
  EXPECT_LE(t.started_at_ms, t.stopping_at_ms);
  EXPECT_LE(t.stopping_at_ms, t.stopped_at_ms);

  EcsListTasksRequest list;
  list.cluster = "app";
  list.started_by = "wharf/migrate";
  list.desired_status = "STOPPED";
  auto listed =
      Call<std::vector<std::string>>([&](auto done) { ecs_->ListTasks(list, std::move(done)); });
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(listed.value(), std::vector<std::string>{task.arn});
  list.family = "other-family";
  auto none =
      Call<std::vector<std::string>>([&](auto done) { ecs_->ListTasks(list, std::move(done)); });
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());

  // Without a scenario a one-off task exits 0.
  run.client_token = "";
  run.overrides.reset();
  auto ok_run = Call<EcsRunTaskResult>([&](auto done) { ecs_->RunTask(run, std::move(done)); });
  ASSERT_TRUE(ok_run.ok()) << ok_run.status().ToString();
  ASSERT_EQ(ok_run->tasks.size(), 1u);
  auto ok_stopped = PollUntil<EcsDescribeTasksResult>(
      [&](auto done) { ecs_->DescribeTasks("app", {ok_run->tasks[0].arn}, std::move(done)); },
      [](const EcsDescribeTasksResult& r) {
        return r.tasks.size() == 1 && r.tasks[0].last_status == "STOPPED";
      },
      seconds(30));
  ASSERT_TRUE(ok_stopped.ok()) << ok_stopped.status().ToString();
  ASSERT_EQ(ok_stopped->tasks.size(), 1u);
  ASSERT_EQ(ok_stopped->tasks[0].containers.size(), 1u);
  EXPECT_EQ(ok_stopped->tasks[0].containers[0].exit_code, 0);
}

TEST_F(EcsClientLocalCloudTest, StopTaskStopsALongTaskWithTheReason) {
  ControlOk("clock", {{"speed", 60}});
  ControlOk("scenarios",
            {{"match", {{"command", "serve-forever"}}}, {"effect", {{"run_seconds", 86400}}}});
  ASSERT_TRUE(CreateCluster("app").ok());
  EcsTaskDefinition d = FargateDefinition("worker");
  d.containers[0].command = {"serve-forever"};
  ASSERT_TRUE(Register(d).ok());
  EcsRunTaskRequest run;
  run.cluster = "app";
  run.task_definition = "worker";
  run.network_configuration = Network();
  auto started = Call<EcsRunTaskResult>([&](auto done) { ecs_->RunTask(run, std::move(done)); });
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  ASSERT_EQ(started->tasks.size(), 1u);
  const std::string arn = started->tasks[0].arn;

  auto running = PollUntil<EcsDescribeTasksResult>(
      [&](auto done) { ecs_->DescribeTasks("app", {arn}, std::move(done)); },
      [](const EcsDescribeTasksResult& r) {
        return r.tasks.size() == 1 && r.tasks[0].last_status == "RUNNING";
      },
      seconds(30));
  ASSERT_TRUE(running.ok()) << running.status().ToString();
  ASSERT_EQ(running->tasks.at(0).last_status, "RUNNING");

  auto stopping = Call<EcsTask>(
      [&](auto done) { ecs_->StopTask("app", arn, "replaced by wharf", std::move(done)); });
  ASSERT_TRUE(stopping.ok()) << stopping.status().ToString();
  EXPECT_EQ(stopping->arn, arn);
  EXPECT_EQ(stopping->desired_status, "STOPPED");
  auto stopped = PollUntil<EcsDescribeTasksResult>(
      [&](auto done) { ecs_->DescribeTasks("app", {arn}, std::move(done)); },
      [](const EcsDescribeTasksResult& r) {
        return r.tasks.size() == 1 && r.tasks[0].last_status == "STOPPED";
      },
      seconds(30));
  ASSERT_TRUE(stopped.ok()) << stopped.status().ToString();
  ASSERT_EQ(stopped->tasks.size(), 1u);
  EXPECT_EQ(stopped->tasks[0].stop_code, "UserInitiated");
  EXPECT_EQ(stopped->tasks[0].stopped_reason, "replaced by wharf");

  auto missing = Call<EcsDescribeTasksResult>([&](auto done) {
    ecs_->DescribeTasks("app", {"0123456789abcdef0123456789abcdef"}, std::move(done));
  });
  ASSERT_TRUE(missing.ok()) << missing.status().ToString();
  EXPECT_TRUE(missing->tasks.empty());
  ASSERT_EQ(missing->failures.size(), 1u);
  EXPECT_EQ(missing->failures[0].reason, "MISSING");
}

// ---------------------------------------------------------------------------
// Task sets

TEST_F(EcsClientLocalCloudTest, TaskSetsOfAnExternalService) {
  ControlOk("clock", {{"speed", 60}});
  ASSERT_TRUE(CreateCluster("app").ok());
  auto v1 = Register(FargateDefinition("web", "app:v1"));
  auto v2 = Register(FargateDefinition("web", "app:v2"));
  ASSERT_TRUE(v1.ok() && v2.ok());

  EcsCreateServiceRequest create;
  create.cluster = "app";
  create.service_name = "web";
  create.desired_count = 2;
  create.deployment_controller = "EXTERNAL";
  auto service = Call<EcsService>([&](auto done) { ecs_->CreateService(create, std::move(done)); });
  ASSERT_TRUE(service.ok()) << service.status().ToString();
  EXPECT_EQ(service->deployment_controller, "EXTERNAL");
  EXPECT_TRUE(service->task_sets.empty());
  EXPECT_TRUE(service->deployments.empty());

  EcsCreateTaskSetRequest blue_request;
  blue_request.cluster = "app";
  blue_request.service = "web";
  blue_request.task_definition = v1->arn;
  blue_request.external_id = "blue";
  blue_request.launch_type = "FARGATE";
  blue_request.network_configuration = Network();
  blue_request.scale = EcsScale{100.0, "PERCENT"};
  blue_request.client_token = "blue-1";
  blue_request.tags = {{"color", "blue"}};
  auto blue =
      Call<EcsTaskSet>([&](auto done) { ecs_->CreateTaskSet(blue_request, std::move(done)); });
  ASSERT_TRUE(blue.ok()) << blue.status().ToString();
  EXPECT_EQ(blue->status, "ACTIVE");
  EXPECT_EQ(blue->external_id, "blue");
  EXPECT_EQ(blue->computed_desired_count, 2);
  EXPECT_EQ(blue->task_definition, v1->arn);
  EXPECT_EQ(blue->scale, *blue_request.scale);
  EXPECT_EQ(blue->service_arn, service->arn);
  EXPECT_NE(blue->arn.find("task-set/app/web/"), std::string::npos);
  auto blue_again =
      Call<EcsTaskSet>([&](auto done) { ecs_->CreateTaskSet(blue_request, std::move(done)); });
  ASSERT_TRUE(blue_again.ok()) << blue_again.status().ToString();
  EXPECT_EQ(blue_again->arn, blue->arn);

  auto primary = Call<EcsTaskSet>([&](auto done) {
    ecs_->UpdateServicePrimaryTaskSet("app", "web", blue->arn, std::move(done));
  });
  ASSERT_TRUE(primary.ok()) << primary.status().ToString();
  EXPECT_EQ(primary->status, "PRIMARY");

  auto steady = PollUntil<EcsDescribeTaskSetsResult>(
      [&](auto done) { ecs_->DescribeTaskSets("app", "web", {blue->arn}, std::move(done)); },
      [](const EcsDescribeTaskSetsResult& r) {
        return r.task_sets.size() == 1 && r.task_sets[0].stability_status == "STEADY_STATE" &&
               r.task_sets[0].running_count == 2;
      },
      seconds(30));
  ASSERT_TRUE(steady.ok()) << steady.status().ToString();
  ASSERT_EQ(steady->task_sets.size(), 1u);
  EXPECT_EQ(steady->task_sets[0].stability_status, "STEADY_STATE");
  EXPECT_EQ(steady->task_sets[0].tags, blue_request.tags);

  // Green at 50 %: ceil(2 x 0.5) = 1 task.
  EcsCreateTaskSetRequest green_request = blue_request;
  green_request.task_definition = v2->arn;
  green_request.external_id = "green";
  green_request.scale = EcsScale{50.0, "PERCENT"};
  green_request.client_token = "green-1";
  green_request.tags = {};
  auto green =
      Call<EcsTaskSet>([&](auto done) { ecs_->CreateTaskSet(green_request, std::move(done)); });
  ASSERT_TRUE(green.ok()) << green.status().ToString();
  EXPECT_EQ(green->computed_desired_count, 1);

  auto both = Call<EcsDescribeTaskSetsResult>(
      [&](auto done) { ecs_->DescribeTaskSets("app", "web", {}, std::move(done)); });
  ASSERT_TRUE(both.ok()) << both.status().ToString();
  ASSERT_EQ(both->task_sets.size(), 2u);
  std::map<std::string, std::string> status_by_id;
  for (const EcsTaskSet& ts : both->task_sets) status_by_id[ts.external_id] = ts.status;
  EXPECT_EQ(status_by_id,
            (std::map<std::string, std::string>{{"blue", "PRIMARY"}, {"green", "ACTIVE"}}));

  // Green becomes PRIMARY at 100 %; blue scaled to 0 can go.
  auto green_full = Call<EcsTaskSet>([&](auto done) {
    ecs_->UpdateTaskSet("app", "web", green->arn, EcsScale{100.0, "PERCENT"}, std::move(done));
  });
  ASSERT_TRUE(green_full.ok()) << green_full.status().ToString();
  EXPECT_EQ(green_full->computed_desired_count, 2);
  ASSERT_TRUE(Call<EcsTaskSet>([&](auto done) {
                ecs_->UpdateServicePrimaryTaskSet("app", "web", green->id, std::move(done));
              }).ok());
  auto service_now = DescribeService("app", "web");
  ASSERT_TRUE(service_now.ok()) << service_now.status().ToString();
  ASSERT_EQ(service_now->services.size(), 1u);
  EXPECT_EQ(service_now->services[0].task_definition, v2->arn);
  EXPECT_EQ(service_now->services[0].task_sets.size(), 2u);

  auto refused = Call<EcsTaskSet>(
      [&](auto done) { ecs_->DeleteTaskSet("app", "web", blue->arn, false, std::move(done)); });
  ASSERT_FALSE(refused.ok()) << "blue is still scaled above 0";
  EXPECT_EQ(refused.error().code(), "InvalidParameterException");
  auto blue_zero = Call<EcsTaskSet>([&](auto done) {
    ecs_->UpdateTaskSet("app", "web", blue->arn, EcsScale{0.0, "PERCENT"}, std::move(done));
  });
  ASSERT_TRUE(blue_zero.ok()) << blue_zero.status().ToString();
  EXPECT_EQ(blue_zero->computed_desired_count, 0);
  auto deleted = Call<EcsTaskSet>(
      [&](auto done) { ecs_->DeleteTaskSet("app", "web", blue->arn, false, std::move(done)); });
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(deleted->status, "DRAINING");
  auto gone = PollUntil<EcsDescribeTaskSetsResult>(
      [&](auto done) { ecs_->DescribeTaskSets("app", "web", {}, std::move(done)); },
      [](const EcsDescribeTaskSetsResult& r) { return r.task_sets.size() == 1; }, seconds(30));
  ASSERT_TRUE(gone.ok()) << gone.status().ToString();
  ASSERT_EQ(gone->task_sets.size(), 1u);
  EXPECT_EQ(gone->task_sets[0].external_id, "green");

  auto unknown = Call<EcsTaskSet>([&](auto done) {
    ecs_->UpdateTaskSet("app", "web", "ecs-svc/0000", EcsScale{}, std::move(done));
  });
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), "TaskSetNotFoundException");
}

}  // namespace
}  // namespace wharf::aws
