// Expand: the app's resource graph (docs/RESOURCES.md), from the example
// spec and from table cases.
#include "controller/expand.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include <google/protobuf/util/message_differencer.h>

#include "common/spec/spec_loader.h"
#include "controller/input_resolver.h"

namespace wharf::controller {
namespace {

v1::AppSpec Example() {
  auto loaded = spec::SpecLoader().LoadFile(std::string(WHARF_TEST_SOURCE_DIR) +
                                            "/config/examples/django-app.yaml");
  EXPECT_TRUE(std::holds_alternative<v1::SpecChanged>(loaded));
  if (!std::holds_alternative<v1::SpecChanged>(loaded)) return {};
  return std::get<v1::SpecChanged>(loaded).spec();
}

const v1::Resource* Find(const std::vector<v1::Resource>& graph, v1::ResourceKind kind,
                         const std::string& name) {
  for (const auto& r : graph) {
    if (r.ref().kind() == kind && r.ref().name() == name) return &r;
  }
  return nullptr;
}

const google::protobuf::Value& Prop(const v1::Resource& r, const std::string& path) {
  static const google::protobuf::Value kNone;
  const google::protobuf::Struct* at = &r.properties();
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    auto it = at->fields().find(path.substr(start, dot == std::string::npos ? dot : dot - start));
    if (it == at->fields().end()) return kNone;
    if (dot == std::string::npos) return it->second;
    at = &it->second.struct_value();
    start = dot + 1;
  }
}

std::vector<std::string> Refs(const std::vector<v1::Resource>& graph) {
  std::vector<std::string> out;
  for (const auto& r : graph) out.push_back(RefKey(r.ref()));
  return out;
}

TEST(ExpandTest, ExampleSpecYieldsTheWholeAppInDependencyOrder) {
  auto graph = Expand(Example());
  EXPECT_EQ(Refs(graph), (std::vector<std::string>{
                             "PREFLIGHT/django-app-preflight",
                             "VPC/django-app-network",
                             "SECURITY_GROUP/django-app-alb",
                             "SECURITY_GROUP/django-app-tasks",
                             "SECURITY_GROUP_INGRESS/django-app-alb-80",
                             "SECURITY_GROUP_INGRESS/django-app-tasks-8000",
                             "LOAD_BALANCER/django-app",
                             "TARGET_GROUP/django-app",
                             "LISTENER/django-app-http",
                             "ECR_REPOSITORY/django-app",
                             "LOG_GROUP//ecs/django-app",
                             "IAM_ROLE/django-app-execution",
                             "ECS_CLUSTER/django-app",
                             "TASK_DEFINITION/django-app",
                             "ECS_SERVICE/django-app",
                             "SCALABLE_TARGET/service/django-app/django-app",
                             "SCALING_POLICY/django-app-cpu",
                             "METRIC_ALARM/django-app-target-5xx",
                         }));
}

TEST(ExpandTest, EveryEdgePointsBackwardsAndEveryInputIsAnEdge) {
  auto graph = Expand(Example());
  std::set<std::string> seen;
  for (const auto& r : graph) {
    for (const auto& dep : r.depends_on()) {
      EXPECT_TRUE(seen.count(RefKey(dep))) << RefKey(r.ref()) << " needs " << RefKey(dep);
    }
    std::set<std::string> deps;
    for (const auto& dep : r.depends_on()) deps.insert(RefKey(dep));
    for (const auto& [path, text] : r.inputs()) {
      std::string refs = text;
      for (char& c : refs) {
        if (c == '{' || c == '}') c = ',';
      }
      size_t start = 0;
      while (start < refs.size()) {
        size_t end = std::min(refs.find(',', start), refs.size());
        std::string one = refs.substr(start, end - start);
        start = end + 1;
        v1::ResourceRef ref;
        std::string output;
        if (!ParseOutputRef(one, &ref, &output)) continue;  // template text
        EXPECT_TRUE(deps.count(RefKey(ref))) << RefKey(r.ref()) << "." << path << " reads " << one;
      }
    }
    seen.insert(RefKey(r.ref()));
  }
}

TEST(ExpandTest, PreflightNamesWhatMustExistBeforeAnyChange) {
  v1::AppSpec spec = Example();
  auto graph = Expand(spec);
  const auto* pre = Find(graph, v1::PREFLIGHT, "django-app-preflight");
  ASSERT_NE(pre, nullptr);
  EXPECT_EQ(Prop(*pre, "image.repository").string_value(), "django-app");
  EXPECT_EQ(Prop(*pre, "image.tag").string_value(), "1.4.2");
  EXPECT_EQ(Prop(*pre, "secret_arns").list_value().values_size(), 2);
  EXPECT_EQ(Prop(*pre, "role_arns").list_value().values_size(), 0);
  ASSERT_EQ(Prop(*pre, "target_groups").list_value().values_size(), 1);
  EXPECT_EQ(Prop(*pre, "target_groups").list_value().values(0).string_value(), "django-app:8000");

  spec.mutable_image()->set_external(true);
  spec.mutable_iam()->set_execution_role_arn("arn:aws:iam::123456789012:role/exec");
  graph = Expand(spec);
  pre = Find(graph, v1::PREFLIGHT, "django-app-preflight");
  EXPECT_EQ(Prop(*pre, "image").kind_case(), google::protobuf::Value::KIND_NOT_SET);
  EXPECT_EQ(Prop(*pre, "role_arns").list_value().values(0).string_value(),
            "arn:aws:iam::123456789012:role/exec");
}

TEST(ExpandTest, WiringFollowsTheSpec) {
  auto graph = Expand(Example(), {.region = "eu-west-1"});
  const auto* tasks_ingress = Find(graph, v1::SECURITY_GROUP_INGRESS, "django-app-tasks-8000");
  ASSERT_NE(tasks_ingress, nullptr);
  EXPECT_EQ(tasks_ingress->inputs().at("group_id"), "SECURITY_GROUP/django-app-tasks.id");
  EXPECT_EQ(tasks_ingress->inputs().at("source_group_id"), "SECURITY_GROUP/django-app-alb.id");
  EXPECT_EQ(Prop(*tasks_ingress, "from_port").number_value(), 8000);

  const auto* listener = Find(graph, v1::LISTENER, "django-app-http");
  ASSERT_NE(listener, nullptr);
  EXPECT_EQ(listener->inputs().at("default_target_group_arn"), "TARGET_GROUP/django-app.arn");
  EXPECT_EQ(Prop(*listener, "port").number_value(), 80);

  const auto* tg = Find(graph, v1::TARGET_GROUP, "django-app");
  ASSERT_NE(tg, nullptr);
  EXPECT_EQ(Prop(*tg, "port").number_value(), 8000);
  EXPECT_EQ(Prop(*tg, "health_check.path").string_value(), "/healthz/");
  EXPECT_EQ(Prop(*tg, "health_check.matcher").string_value(), "200");
  EXPECT_EQ(Prop(*tg, "deregistration_delay_seconds").number_value(), 15);

  const auto* td = Find(graph, v1::TASK_DEFINITION, "django-app");
  ASSERT_NE(td, nullptr);
  EXPECT_EQ(Prop(*td, "cpu").string_value(), "512");
  EXPECT_EQ(Prop(*td, "memory").string_value(), "1024");
  EXPECT_EQ(td->inputs().at("container.image"), "{ECR_REPOSITORY/django-app.uri}:1.4.2");
  EXPECT_EQ(td->inputs().at("execution_role_arn"), "IAM_ROLE/django-app-execution.arn");
  EXPECT_EQ(Prop(*td, "container.log_region").string_value(), "eu-west-1");
  EXPECT_EQ(Prop(*td, "container.secrets.DATABASE_URL").string_value(),
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:django-app/database-url-GhIjKl");
  EXPECT_EQ(td->content_hash().size(), 64u);

  const auto* role = Find(graph, v1::IAM_ROLE, "django-app-execution");
  ASSERT_NE(role, nullptr);
  EXPECT_EQ(Prop(*role, "secret_arns").list_value().values_size(), 2);

  const auto* svc = Find(graph, v1::ECS_SERVICE, "django-app");
  ASSERT_NE(svc, nullptr);
  // Autoscaling owns the count: Wharf sets it only at creation.
  EXPECT_EQ(Prop(*svc, "desired_count").kind_case(), google::protobuf::Value::KIND_NOT_SET);
  EXPECT_EQ(Prop(*svc, "create_only.desired_count").number_value(), 2);
  EXPECT_EQ(svc->inputs().at("network.subnets[]"), "VPC/django-app-network.task_subnet_ids");
  EXPECT_EQ(Prop(*svc, "network.assign_public_ip").string_value(), "DISABLED");
  EXPECT_EQ(Prop(*svc, "health_check_grace_period_seconds").number_value(), 60);
  EXPECT_TRUE(Prop(*svc, "deployment.circuit_breaker").bool_value());
  EXPECT_TRUE(Prop(*svc, "deployment.rollback").bool_value());

  const auto* alarm = Find(graph, v1::METRIC_ALARM, "django-app-target-5xx");
  ASSERT_NE(alarm, nullptr);
  EXPECT_EQ(alarm->inputs().at("dimensions.LoadBalancer"), "LOAD_BALANCER/django-app.arn_suffix");
  EXPECT_EQ(Prop(*alarm, "metric_name").string_value(), "HTTPCode_Target_5XX_Count");
}

TEST(ExpandTest, EveryTaggableResourceCarriesTheAppAndManagedByTags) {
  for (const auto& r : Expand(Example())) {
    auto kind = r.ref().kind();
    if (kind == v1::VPC || kind == v1::PREFLIGHT || kind == v1::SECURITY_GROUP_INGRESS ||
        kind == v1::LISTENER || kind == v1::SCALABLE_TARGET || kind == v1::SCALING_POLICY) {
      continue;
    }
    EXPECT_EQ(r.tags().at(kTagApp), "django-app") << RefKey(r.ref());
    EXPECT_EQ(r.tags().at(kTagManagedBy), "wharf") << RefKey(r.ref());
    EXPECT_EQ(r.tags().at("team"), "web") << RefKey(r.ref());
    EXPECT_EQ(Prop(r, "tags.wharf:app").string_value(), "django-app") << RefKey(r.ref());
  }
}

TEST(ExpandTest, ExpansionIsDeterministic) {
  auto a = Expand(Example());
  auto b = Expand(Example());
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(a[i], b[i])) << i;
  }
}

// --- task-definition content hash --------------------------------------------

std::string TaskHash(const v1::AppSpec& spec) {
  for (const auto& r : Expand(spec)) {
    if (r.ref().kind() == v1::TASK_DEFINITION) return r.content_hash();
  }
  return "";
}

struct HashCase {
  std::string name;
  std::function<void(v1::AppSpec*)> edit;
  bool changes;
};

class ContentHashTest : public testing::TestWithParam<HashCase> {};

TEST_P(ContentHashTest, OnlyWhatRunsChangesTheHash) {
  v1::AppSpec spec = Example();
  const std::string before = TaskHash(spec);
  GetParam().edit(&spec);
  EXPECT_EQ(TaskHash(spec) != before, GetParam().changes);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ContentHashTest,
    testing::Values(
        HashCase{"cpu", [](v1::AppSpec* s) { s->mutable_compute()->set_cpu(1024); }, true},
        HashCase{"image_tag", [](v1::AppSpec* s) { s->mutable_image()->set_tag("1.4.3"); }, true},
        HashCase{
            "environment",
            [](v1::AppSpec* s) { (*s->mutable_container()->mutable_environment())["X"] = "1"; },
            true},
        HashCase{"secret_arn",
                 [](v1::AppSpec* s) {
                   (*s->mutable_container()->mutable_secrets())["DATABASE_URL"] = "arn:other";
                 },
                 true},
        HashCase{"tags", [](v1::AppSpec* s) { (*s->mutable_tags())["team"] = "ops"; }, false},
        HashCase{"keep_revisions",
                 [](v1::AppSpec* s) { s->mutable_retention()->set_keep_task_revisions(9); }, false},
        HashCase{"desired_count",
                 [](v1::AppSpec* s) { s->mutable_scaling()->set_desired_count(7); }, false},
        HashCase{"health_check_path",
                 [](v1::AppSpec* s) {
                   s->mutable_load_balancer()->mutable_health_check()->set_path("/up");
                 },
                 false}),
    [](const auto& info) { return info.param.name; });

// --- variants -----------------------------------------------------------------

TEST(ExpandTest, BlueGreenHasTwoTargetGroupsAndATestListener) {
  v1::AppSpec spec = Example();
  spec.mutable_deployment()->set_strategy(v1::CANARY);
  auto graph = Expand(spec);
  EXPECT_NE(Find(graph, v1::TARGET_GROUP, "django-app-blue"), nullptr);
  EXPECT_NE(Find(graph, v1::TARGET_GROUP, "django-app-green"), nullptr);
  EXPECT_EQ(Find(graph, v1::TARGET_GROUP, "django-app"), nullptr);
  const auto* test = Find(graph, v1::LISTENER, "django-app-test");
  ASSERT_NE(test, nullptr);
  EXPECT_EQ(Prop(*test, "port").number_value(), 8080);
  EXPECT_EQ(test->inputs().at("default_target_group_arn"), "TARGET_GROUP/django-app-green.arn");
  EXPECT_NE(Find(graph, v1::SECURITY_GROUP_INGRESS, "django-app-alb-8080"), nullptr);
  const auto* svc = Find(graph, v1::ECS_SERVICE, "django-app");
  EXPECT_EQ(svc->inputs().at("load_balancer.target_group_arn"), "TARGET_GROUP/django-app-blue.arn");
}

TEST(ExpandTest, WorkerAppWithoutLoadBalancerHasNoAlbPieces) {
  v1::AppSpec spec = Example();
  spec.mutable_load_balancer()->set_disabled(true);
  spec.mutable_scaling()->clear_autoscaling();
  spec.clear_alarms();
  auto graph = Expand(spec);
  for (auto kind :
       {v1::LOAD_BALANCER, v1::TARGET_GROUP, v1::LISTENER, v1::SECURITY_GROUP_INGRESS}) {
    for (const auto& r : graph) EXPECT_NE(r.ref().kind(), kind) << RefKey(r.ref());
  }
  EXPECT_EQ(Find(graph, v1::SECURITY_GROUP, "django-app-alb"), nullptr);
  const auto* svc = Find(graph, v1::ECS_SERVICE, "django-app");
  ASSERT_NE(svc, nullptr);
  EXPECT_EQ(Prop(*svc, "load_balancer").kind_case(), google::protobuf::Value::KIND_NOT_SET);
  EXPECT_EQ(Prop(*svc, "desired_count").number_value(), 2);
}

TEST(ExpandTest, ExternalImageAndGivenRolesAreNotManaged) {
  v1::AppSpec spec = Example();
  spec.mutable_image()->set_external(true);
  spec.mutable_image()->set_uri("public.ecr.aws/docker/library/python");
  spec.mutable_iam()->set_execution_role_arn("arn:aws:iam::123456789012:role/shared-exec");
  auto graph = Expand(spec);
  EXPECT_EQ(Find(graph, v1::ECR_REPOSITORY, "django-app"), nullptr);
  EXPECT_EQ(Find(graph, v1::IAM_ROLE, "django-app-execution"), nullptr);
  const auto* td = Find(graph, v1::TASK_DEFINITION, "django-app");
  EXPECT_EQ(Prop(*td, "container.image").string_value(),
            "public.ecr.aws/docker/library/python:1.4.2");
  EXPECT_EQ(Prop(*td, "execution_role_arn").string_value(),
            "arn:aws:iam::123456789012:role/shared-exec");
  EXPECT_EQ(td->inputs().count("container.image"), 0u);
}

TEST(ExpandTest, DefaultsApplyWhenTheSpecIsSilent) {
  v1::AppSpec spec;
  spec.set_name("api");
  spec.mutable_image()->set_repository("api");
  spec.mutable_compute()->set_cpu(256);
  spec.mutable_compute()->set_memory(512);
  spec.mutable_container()->set_port(8000);
  auto graph = Expand(spec);
  const auto* tg = Find(graph, v1::TARGET_GROUP, "api");
  ASSERT_NE(tg, nullptr);
  EXPECT_EQ(Prop(*tg, "deregistration_delay_seconds").number_value(), 15);
  EXPECT_EQ(Prop(*tg, "health_check.path").string_value(), "/");
  EXPECT_EQ(Prop(*tg, "health_check.interval_seconds").number_value(), 10);
  EXPECT_EQ(Prop(*tg, "health_check.matcher").string_value(), "200-399");
  EXPECT_EQ(Prop(*Find(graph, v1::LOG_GROUP, "/ecs/api"), "retention_days").number_value(), 30);
  EXPECT_EQ(Prop(*Find(graph, v1::ECR_REPOSITORY, "api"), "keep_images").number_value(), 30);
  const auto* svc = Find(graph, v1::ECS_SERVICE, "api");
  EXPECT_EQ(Prop(*svc, "desired_count").number_value(), 1);
  EXPECT_EQ(Prop(*svc, "deployment.minimum_healthy_percent").number_value(), 100);
  EXPECT_EQ(Prop(*svc, "deployment.maximum_percent").number_value(), 200);
  EXPECT_EQ(Find(graph, v1::SCALABLE_TARGET, "service/api/api"), nullptr);

  spec.mutable_load_balancer()->set_deregistration_delay_seconds(0);  // 0 is a value
  EXPECT_EQ(Prop(*Find(Expand(spec), v1::TARGET_GROUP, "api"), "deregistration_delay_seconds")
                .number_value(),
            0);
}

// --- names ----------------------------------------------------------------------

TEST(ResourceNamesTest, LongNamesFitAndStayDistinct) {
  const std::string a(32, 'a');
  std::string b = a;
  b.back() = 'b';
  for (const std::string& suffix : {std::string(""), std::string("-blue"), std::string("-green")}) {
    std::string na = FitName(a, suffix, 32);
    std::string nb = FitName(b, suffix, 32);
    EXPECT_LE(na.size(), 32u) << na;
    EXPECT_NE(na, nb);
    EXPECT_NE(na.back(), '-');
    EXPECT_EQ(na.substr(na.size() - suffix.size()), suffix);
    EXPECT_EQ(FitName(a, suffix, 32), na) << "stable";
  }
  EXPECT_EQ(FitName("shop", "-green", 32), "shop-green");
  // A cut that would end on '-' drops it.
  std::string dashed = std::string(20, 'x') + "-" + std::string(11, 'y');
  EXPECT_NE(FitName(dashed, "-green", 32).find("x-"), std::string::npos);
  EXPECT_EQ(FitName(dashed, "-green", 32).find("--"), std::string::npos);

  v1::AppSpec spec;
  spec.set_name("internal-tools");
  EXPECT_NE(LoadBalancerName(spec).rfind("internal-", 0), 0u);
  spec.set_name(std::string(32, 'z'));
  EXPECT_LE(TargetGroupName(spec, "green").size(), 32u);
  EXPECT_LE(ExecutionRoleName(spec).size(), 64u);
}

}  // namespace
}  // namespace wharf::controller
