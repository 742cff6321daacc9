// TASK_DEFINITION and ECS_SERVICE handlers against the local cloud: ensure
// semantics (create, adopt without a write, drift corrected), revisions kept,
// delete and observe; checked with the AWS CLI.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "executors/ecs_service_handler.h"
#include "executors/task_definition_handler.h"
#include "tests/executors/app_handlers_test_fixture.h"

namespace wharf::executors {
namespace {

using nlohmann::json;

constexpr char kSecretArn[] = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shop-db-AbCdEf";

json TaskProperties() {
  return {{"family", "shop"},
          {"cpu", "256"},
          {"memory", "512"},
          {"network_mode", "awsvpc"},
          {"requires_compatibilities", {"FARGATE"}},
          {"cpu_architecture", "X86_64"},
          {"ephemeral_storage_gib", 30},
          {"execution_role_arn", "arn:aws:iam::123456789012:role/shop-execution"},
          {"task_role_arn", "arn:aws:iam::123456789012:role/shop-task"},
          {"container",
           {{"name", "app"},
            {"image", "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:v1"},
            {"port", 8000},
            {"command", {"gunicorn", "shop.wsgi"}},
            {"entrypoint", {"/entry.sh"}},
            {"environment", {{"ZETA", "2"}, {"ALPHA", "1"}}},
            {"secrets", {{"DATABASE_URL", kSecretArn}}},
            {"health_check",
             {{"command", {"CMD-SHELL", "curl -f http://localhost:8000/ || exit 1"}},
              {"interval_seconds", 10},
              {"timeout_seconds", 5},
              {"retries", 3},
              {"start_period_seconds", 20}}},
            {"working_directory", "/srv"},
            {"user", "app"},
            {"stop_timeout_seconds", 20},
            {"log_group", "/ecs/shop"},
            {"log_region", "us-east-1"},
            {"log_stream_prefix", "shop"}}},
          {"keep_revisions", 2}};
}

class TaskDefinitionHandlerTest : public test::AppHandlersTest {
 protected:
  v1::Resource TaskDefinition(const std::string& hash) {
    v1::Resource r = MakeResource(v1::TASK_DEFINITION, "shop", TaskProperties());
    r.set_content_hash(hash);
    return r;
  }

  std::vector<std::string> ActiveArns() {
    json listed = Cli("ecs list-task-definitions --family-prefix shop --status ACTIVE");
    return listed["taskDefinitionArns"].get<std::vector<std::string>>();
  }
};

TEST_F(TaskDefinitionHandlerTest, CreateRegistersOnceThenAdoptsWithoutAWrite) {
  const v1::Resource desired = TaskDefinition("hash-1");
  auto first = Run(v1::CREATE, desired);
  ASSERT_EQ(first.outcome(), v1::SUCCEEDED) << first.error().message();
  EXPECT_TRUE(first.mutated());
  EXPECT_EQ(first.observed().id(), "arn:aws:ecs:us-east-1:123456789012:task-definition/shop:1");
  EXPECT_EQ(first.observed().outputs().at("arn"), first.observed().id());
  EXPECT_EQ(first.observed().outputs().at("revision"), "1");
  EXPECT_EQ(first.observed().content_hash(), "hash-1");
  ExpectCarries(desired.properties(), first.observed().properties());

  ZeroCounters();
  auto second = Run(v1::CREATE, desired);
  ASSERT_EQ(second.outcome(), v1::SUCCEEDED) << second.error().message();
  EXPECT_FALSE(second.mutated());
  EXPECT_EQ(second.observed().id(), first.observed().id());
  EXPECT_EQ(MutatingCalls(), 0);
  ExpectCarries(desired.properties(), second.observed().properties());
  EXPECT_EQ(ActiveArns().size(), 1u);

  // What ECS stored, read with the AWS CLI.
  json described = Cli("ecs describe-task-definition --task-definition shop --include TAGS");
  const json& td = described["taskDefinition"];
  EXPECT_EQ(td["cpu"], "256");
  EXPECT_EQ(td["memory"], "512");
  EXPECT_EQ(td["networkMode"], "awsvpc");
  EXPECT_EQ(td["requiresCompatibilities"], json({"FARGATE"}));
  EXPECT_EQ(td["runtimePlatform"]["cpuArchitecture"], "X86_64");
  EXPECT_EQ(td["ephemeralStorage"]["sizeInGiB"], 30);
  EXPECT_EQ(td["executionRoleArn"], "arn:aws:iam::123456789012:role/shop-execution");
  ASSERT_EQ(td["containerDefinitions"].size(), 1u);
  const json& c = td["containerDefinitions"][0];
  EXPECT_EQ(c["name"], "app");
  EXPECT_EQ(c["portMappings"][0]["containerPort"], 8000);
  EXPECT_EQ(c["environment"][0]["name"], "ALPHA");
  EXPECT_EQ(c["environment"][1]["name"], "ZETA");
  EXPECT_EQ(c["secrets"][0]["valueFrom"], kSecretArn);
  EXPECT_EQ(c["logConfiguration"]["logDriver"], "awslogs");
  EXPECT_EQ(c["logConfiguration"]["options"]["awslogs-group"], "/ecs/shop");
  EXPECT_EQ(c["logConfiguration"]["options"]["awslogs-stream-prefix"], "shop");
  EXPECT_EQ(c["healthCheck"]["interval"], 10);
  EXPECT_EQ(c["stopTimeout"], 20);
  bool hash_tag = false;
  for (const json& tag : described["tags"]) {
    hash_tag |= tag["key"] == "wharf:content-hash" && tag["value"] == "hash-1";
  }
  EXPECT_TRUE(hash_tag) << described["tags"].dump();
}

TEST_F(TaskDefinitionHandlerTest, ChangedHashRegistersOneRevisionAndKeepsOnlyTheNewest) {
  ASSERT_EQ(Run(v1::CREATE, TaskDefinition("hash-1")).outcome(), v1::SUCCEEDED);
  ZeroCounters();
  auto second = Run(v1::UPDATE, TaskDefinition("hash-2"));
  ASSERT_EQ(second.outcome(), v1::SUCCEEDED) << second.error().message();
  EXPECT_TRUE(second.mutated());
  EXPECT_EQ(second.observed().outputs().at("revision"), "2");
  EXPECT_EQ(second.observed().content_hash(), "hash-2");
  EXPECT_EQ(MutatingCalls(), 1);  // one RegisterTaskDefinition, nothing to deregister
  EXPECT_EQ(ActiveArns().size(), 2u);

  auto third = Run(v1::CREATE, TaskDefinition("hash-3"));
  ASSERT_EQ(third.outcome(), v1::SUCCEEDED) << third.error().message();
  EXPECT_EQ(third.observed().outputs().at("revision"), "3");
  // keep_revisions = 2: revision 1 is deregistered.
  std::vector<std::string> active = ActiveArns();
  EXPECT_EQ(active, (std::vector<std::string>{
                        "arn:aws:ecs:us-east-1:123456789012:task-definition/shop:2",
                        "arn:aws:ecs:us-east-1:123456789012:task-definition/shop:3"}));

  // The same hash again: no new revision.
  ZeroCounters();
  auto again = Run(v1::CREATE, TaskDefinition("hash-3"));
  ASSERT_EQ(again.outcome(), v1::SUCCEEDED);
  EXPECT_FALSE(again.mutated());
  EXPECT_EQ(MutatingCalls(), 0);

  auto observed = Run(v1::OBSERVE, TaskDefinition("hash-3"));
  ASSERT_EQ(observed.outcome(), v1::SUCCEEDED);
  EXPECT_FALSE(observed.mutated());
  EXPECT_EQ(observed.observed().content_hash(), "hash-3");
  EXPECT_EQ(observed.observed().id(), third.observed().id());
}

TEST_F(TaskDefinitionHandlerTest, AnotherFamilyWithTheSamePrefixIsNotTouched) {
  v1::Resource worker = TaskDefinition("worker-hash");
  worker.mutable_ref()->set_name("shop-worker");
  (*worker.mutable_properties()->mutable_fields())["family"].set_string_value("shop-worker");
  ASSERT_EQ(Run(v1::CREATE, worker).outcome(), v1::SUCCEEDED);
  auto web = Run(v1::CREATE, TaskDefinition("hash-1"));
  ASSERT_EQ(web.outcome(), v1::SUCCEEDED);
  EXPECT_TRUE(web.mutated());
  EXPECT_EQ(web.observed().outputs().at("revision"), "1");
  ASSERT_EQ(Run(v1::DELETE, TaskDefinition("hash-1")).outcome(), v1::SUCCEEDED);
  json listed = Cli("ecs list-task-definitions --family-prefix shop-worker --status ACTIVE");
  EXPECT_EQ(listed["taskDefinitionArns"].size(), 1u);
}

TEST_F(TaskDefinitionHandlerTest, DeleteDeregistersEveryRevisionAndObserveThenFindsNone) {
  ASSERT_EQ(Run(v1::CREATE, TaskDefinition("hash-1")).outcome(), v1::SUCCEEDED);
  ASSERT_EQ(Run(v1::CREATE, TaskDefinition("hash-2")).outcome(), v1::SUCCEEDED);
  auto deleted = Run(v1::DELETE, TaskDefinition("hash-2"));
  ASSERT_EQ(deleted.outcome(), v1::SUCCEEDED) << deleted.error().message();
  EXPECT_TRUE(deleted.mutated());
  EXPECT_TRUE(ActiveArns().empty());

  auto again = Run(v1::DELETE, TaskDefinition("hash-2"));
  ASSERT_EQ(again.outcome(), v1::SUCCEEDED) << again.error().message();
  EXPECT_FALSE(again.mutated());

  auto observed = Run(v1::OBSERVE, TaskDefinition("hash-2"));
  ASSERT_EQ(observed.outcome(), v1::SUCCEEDED);
  EXPECT_TRUE(observed.observed().id().empty());
}

TEST_F(TaskDefinitionHandlerTest, MissingContentHashIsTerminal) {
  auto result = Run(v1::CREATE, TaskDefinition(""));
  EXPECT_EQ(result.outcome(), v1::FAILED_TERMINAL);
  EXPECT_EQ(result.error().code(), "MissingContentHash");
}

// ---------------------------------------------------------------------------
// ECS_SERVICE

class EcsServiceHandlerTest : public test::AppHandlersTest {
 protected:
  void SetUp() override {
    test::AppHandlersTest::SetUp();
    if (HasFatalFailure()) return;
    Cli("ecs create-cluster --cluster-name shop");
    vpc_ = Cli("ec2 describe-vpcs --filters Name=isDefault,Values=true")["Vpcs"][0]["VpcId"]
               .get<std::string>();
    json subnets = Cli("ec2 describe-subnets --filters Name=vpc-id,Values=" + vpc_);
    for (const json& s : subnets["Subnets"]) subnets_.push_back(s["SubnetId"].get<std::string>());
    std::sort(subnets_.begin(), subnets_.end());
    ASSERT_GE(subnets_.size(), 2u);
    subnets_.resize(2);
    security_group_ = Cli("ec2 describe-security-groups --filters Name=vpc-id,Values=" + vpc_ +
                          " Name=group-name,Values=default")["SecurityGroups"][0]["GroupId"]
                          .get<std::string>();
    std::string lb = Cli("elbv2 create-load-balancer --name shop --subnets " + subnets_[0] + " " +
                         subnets_[1])["LoadBalancers"][0]["LoadBalancerArn"]
                         .get<std::string>();
    target_group_ = Cli("elbv2 create-target-group --name shop --protocol HTTP --port 8000 "
                        "--target-type ip --vpc-id " +
                        vpc_)["TargetGroups"][0]["TargetGroupArn"]
                        .get<std::string>();
    Cli("elbv2 create-listener --load-balancer-arn " + lb +
        " --protocol HTTP --port 80 --default-actions Type=forward,TargetGroupArn=" +
        target_group_);
    for (const char* hash : {"hash-1", "hash-2"}) {
      v1::Resource td = MakeResource(v1::TASK_DEFINITION, "shop", TaskProperties());
      td.set_content_hash(hash);
      auto registered = Run(v1::CREATE, td);
      ASSERT_EQ(registered.outcome(), v1::SUCCEEDED) << registered.error().message();
      task_definitions_.push_back(registered.observed().id());
    }
  }

  v1::Resource Service(int desired_count = 2) {
    return MakeResource(v1::ECS_SERVICE, "shop",
                        {{"name", "shop"},
                         {"cluster", "shop"},
                         {"task_definition_arn", task_definitions_[0]},
                         {"desired_count", desired_count},
                         {"launch_type", "FARGATE"},
                         {"load_balancer",
                          {{"target_group_arn", target_group_},
                           {"container_name", "app"},
                           {"container_port", 8000}}},
                         {"network",
                          {{"subnets", subnets_},
                           {"security_groups", {security_group_}},
                           {"assign_public_ip", "ENABLED"}}},
                         {"deployment",
                          {{"minimum_healthy_percent", 100},
                           {"maximum_percent", 200},
                           {"circuit_breaker", true},
                           {"rollback", true}}},
                         {"health_check_grace_period_seconds", 60}});
  }

  json Described() {
    json d = Cli("ecs describe-services --cluster shop --services shop --include TAGS");
    return d["services"].empty() ? json::object() : d["services"][0];
  }

  // DELETE until it succeeds, the local-cloud clock moved on between tries so
  // the tasks stop (bounded).
  v1::ActionResult DeleteUntilDone(const v1::Resource& service) {
    v1::ActionResult result;
    for (int attempt = 0; attempt < 20; ++attempt) {
      result = Run(v1::DELETE, service);
      if (result.outcome() != v1::FAILED_RETRYABLE) return result;
      EXPECT_EQ(result.error().code(), "ServiceDraining");
      ControlOk("clock", {{"advance_seconds", 120}});
    }
    return result;
  }

  std::string vpc_;
  std::vector<std::string> subnets_;
  std::string security_group_;
  std::string target_group_;
  std::vector<std::string> task_definitions_;
};

TEST_F(EcsServiceHandlerTest, CreateThenAdoptWithoutAWrite) {
  const v1::Resource desired = Service();
  auto first = Run(v1::CREATE, desired);
  ASSERT_EQ(first.outcome(), v1::SUCCEEDED) << first.error().message();
  EXPECT_TRUE(first.mutated());
  EXPECT_EQ(first.observed().id(), "arn:aws:ecs:us-east-1:123456789012:service/shop/shop");
  EXPECT_EQ(first.observed().outputs().at("arn"), first.observed().id());
  ExpectCarries(desired.properties(), first.observed().properties());

  json s = Described();
  EXPECT_EQ(s["status"], "ACTIVE");
  EXPECT_EQ(s["desiredCount"], 2);
  EXPECT_EQ(s["launchType"], "FARGATE");
  EXPECT_EQ(s["taskDefinition"], task_definitions_[0]);
  EXPECT_EQ(s["loadBalancers"][0]["targetGroupArn"], target_group_);
  EXPECT_EQ(s["healthCheckGracePeriodSeconds"], 60);
  EXPECT_EQ(s["deploymentConfiguration"]["deploymentCircuitBreaker"]["rollback"], true);
  EXPECT_EQ(s["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"], "ENABLED");

  ZeroCounters();
  auto second = Run(v1::CREATE, desired);
  ASSERT_EQ(second.outcome(), v1::SUCCEEDED) << second.error().message();
  EXPECT_FALSE(second.mutated());
  EXPECT_EQ(MutatingCalls(), 0);
  ExpectCarries(desired.properties(), second.observed().properties());
  EXPECT_EQ(Cli("ecs list-services --cluster shop")["serviceArns"].size(), 1u);
}

TEST_F(EcsServiceHandlerTest, DriftIsCorrectedWithOneUpdate) {
  ASSERT_EQ(Run(v1::CREATE, Service()).outcome(), v1::SUCCEEDED);
  Cli("ecs update-service --cluster shop --service shop --desired-count 5");
  Cli("ecs tag-resource --resource-arn arn:aws:ecs:us-east-1:123456789012:service/shop/shop "
      "--tags key=wharf:app,value=other");
  ASSERT_EQ(Described()["desiredCount"], 5);

  ZeroCounters();
  auto corrected = Run(v1::UPDATE, Service());
  ASSERT_EQ(corrected.outcome(), v1::SUCCEEDED) << corrected.error().message();
  EXPECT_TRUE(corrected.mutated());
  EXPECT_EQ(MutatingCalls(), 2);  // UpdateService + TagResource
  json s = Described();
  EXPECT_EQ(s["desiredCount"], 2);
  // Only the count changed: no new deployment.
  EXPECT_EQ(s["deployments"].size(), 1u) << s["deployments"].dump();
  bool tag_back = false;
  for (const json& tag : s["tags"]) tag_back |= tag["key"] == "wharf:app" && tag["value"] == "shop";
  EXPECT_TRUE(tag_back) << s["tags"].dump();

  // A new task definition is rolled out.
  v1::Resource next = Service();
  (*next.mutable_properties()->mutable_fields())["task_definition_arn"].set_string_value(
      task_definitions_[1]);
  auto rolled = Run(v1::UPDATE, next);
  ASSERT_EQ(rolled.outcome(), v1::SUCCEEDED) << rolled.error().message();
  EXPECT_TRUE(rolled.mutated());
  EXPECT_EQ(Described()["taskDefinition"], task_definitions_[1]);
  ExpectCarries(next.properties(), rolled.observed().properties());
}

TEST_F(EcsServiceHandlerTest, WithoutDesiredCountTheCreateOnlyCountIsUsedAndLaterKept) {
  v1::Resource desired = Service();
  auto& fields = *desired.mutable_properties()->mutable_fields();
  fields.erase("desired_count");
  (*fields["create_only"].mutable_struct_value()->mutable_fields())["desired_count"]
      .set_number_value(3);
  ASSERT_EQ(Run(v1::CREATE, desired).outcome(), v1::SUCCEEDED);
  EXPECT_EQ(Described()["desiredCount"], 3);
  Cli("ecs update-service --cluster shop --service shop --desired-count 4");  // autoscaling
  ZeroCounters();
  auto adopted = Run(v1::CREATE, desired);
  ASSERT_EQ(adopted.outcome(), v1::SUCCEEDED);
  EXPECT_FALSE(adopted.mutated());
  EXPECT_EQ(MutatingCalls(), 0);
  EXPECT_EQ(Described()["desiredCount"], 4);
}

TEST_F(EcsServiceHandlerTest, DeleteDrainsThenSucceedsAndObserveFindsNothing) {
  ASSERT_EQ(Run(v1::CREATE, Service()).outcome(), v1::SUCCEEDED);
  auto first = Run(v1::DELETE, Service());
  ASSERT_NE(first.outcome(), v1::FAILED_TERMINAL) << first.error().message();
  if (Described()["status"] == "DRAINING") {
    // A create while the old service drains waits (retryable).
    auto create = Run(v1::CREATE, Service());
    EXPECT_EQ(create.outcome(), v1::FAILED_RETRYABLE);
    EXPECT_EQ(create.error().code(), "ServiceDraining");
  }
  auto deleted = DeleteUntilDone(Service());
  ASSERT_EQ(deleted.outcome(), v1::SUCCEEDED) << deleted.error().message();
  EXPECT_EQ(Described()["status"], "INACTIVE");
  EXPECT_TRUE(Cli("ecs list-services --cluster shop")["serviceArns"].empty());

  auto again = Run(v1::DELETE, Service());
  ASSERT_EQ(again.outcome(), v1::SUCCEEDED) << again.error().message();
  EXPECT_FALSE(again.mutated());
  auto observed = Run(v1::OBSERVE, Service());
  ASSERT_EQ(observed.outcome(), v1::SUCCEEDED);
  EXPECT_TRUE(observed.observed().id().empty());

  // An INACTIVE service of the name is replaced by a new one.
  auto recreated = Run(v1::CREATE, Service());
  ASSERT_EQ(recreated.outcome(), v1::SUCCEEDED) << recreated.error().message();
  EXPECT_TRUE(recreated.mutated());
  EXPECT_EQ(Described()["status"], "ACTIVE");
}

TEST(EcsServiceClientTokenTest, StableWithinEcsLimitAndChangesWithTheProperties) {
  v1::Resource a = test::AppHandlersTest::MakeResource(v1::ECS_SERVICE, "shop",
                                                       {{"name", "shop"}, {"cluster", "shop"}});
  v1::Resource b = a;
  (*b.mutable_properties()->mutable_fields())["desired_count"].set_number_value(2);
  const std::string token = EcsServiceHandler::ClientToken(a);
  EXPECT_LE(token.size(), 36u);
  EXPECT_EQ(token, EcsServiceHandler::ClientToken(a));
  EXPECT_NE(token, EcsServiceHandler::ClientToken(b));
}

}  // namespace
}  // namespace wharf::executors
