#include "controller/diff.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include <google/protobuf/util/json_util.h>

#include <set>

#include "common/spec/spec_loader.h"
#include "controller/expand.h"
#include "controller/input_resolver.h"

namespace wharf::controller {
namespace {

google::protobuf::Struct S(const std::string& json) {
  google::protobuf::Struct s;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &s).ok()) << json;
  return s;
}

struct PropCase {
  std::string name;
  std::string desired;
  std::string observed;
  std::vector<std::string> changed_paths;
};

class DiffPropertiesTest : public testing::TestWithParam<PropCase> {};

TEST_P(DiffPropertiesTest, ReportsOnlyRealDifferences) {
  const auto& c = GetParam();
  auto changes = DiffProperties(S(c.desired), S(c.observed));
  std::vector<std::string> paths;
  for (const auto& ch : changes) paths.push_back(ch.path());
  EXPECT_EQ(paths, c.changed_paths);
}

INSTANTIATE_TEST_SUITE_P(
    Table, DiffPropertiesTest,
    testing::Values(
        PropCase{"equal", R"({"name":"web"})", R"({"name":"web"})", {}},
        PropCase{"server_defaults_ignored",
                 R"({"name":"web"})",
                 R"({"name":"web","status":"ACTIVE","settings":[1]})",
                 {}},
        PropCase{"scalar_changed",
                 R"({"name":"web","port":80})",
                 R"({"name":"web","port":8080})",
                 {"port"}},
        PropCase{"empty_equals_absent",
                 R"({"name":"web","note":"","tags":{}})",
                 R"({"name":"web"})",
                 {}},
        PropCase{"map_compared_by_key",
                 R"({"tags":{"a":"1","b":"2"}})",
                 R"({"tags":{"b":"2","a":"1","extra":"x"}})",
                 {}},
        PropCase{"nested_value_changed",
                 R"({"tags":{"a":"1","b":"2"}})",
                 R"({"tags":{"a":"1","b":"3"}})",
                 {"tags.b"}},
        PropCase{"missing_field", R"({"name":"web","port":80})", R"({"name":"web"})", {"port"}},
        PropCase{"several_sorted", R"({"z":1,"a":2})", R"({"z":2,"a":3})", {"a", "z"}},
        PropCase{"number_vs_string", R"({"port":"80"})", R"({"port":80})", {"port"}}),
    [](const auto& info) { return info.param.name; });

v1::Resource R(v1::ResourceKind kind, const std::string& name, const std::string& props) {
  v1::Resource r;
  r.mutable_ref()->set_kind(kind);
  r.mutable_ref()->set_name(name);
  r.set_app("web");
  *r.mutable_properties() = S(props);
  return r;
}

TEST(DiffTest, CreatesMissingUpdatesChangedSkipsMatching) {
  auto cluster = R(v1::ECS_CLUSTER, "web", R"({"name":"web"})");
  auto logs = R(v1::LOG_GROUP, "/wharf/web", R"({"retention":30})");
  auto service = R(v1::ECS_SERVICE, "web", R"({"desired":2})");
  *service.add_depends_on() = cluster.ref();
  *service.add_depends_on() = logs.ref();

  std::map<std::string, v1::Resource> seen;  // "KIND/name" -> resource
  auto key = [](const v1::ResourceRef& ref) {
    return v1::ResourceKind_Name(ref.kind()) + "/" + ref.name();
  };
  seen[key(logs.ref())] = R(v1::LOG_GROUP, "/wharf/web", R"({"retention":7})");
  seen[key(logs.ref())].set_id("arn:logs");
  auto lookup = [&](const v1::ResourceRef& ref) -> const v1::Resource* {
    auto it = seen.find(key(ref));
    return it == seen.end() ? nullptr : &it->second;
  };

  v1::Plan plan = Diff("web", {cluster, logs, service}, lookup);
  ASSERT_EQ(plan.actions_size(), 3);
  EXPECT_EQ(plan.actions(0).verb(), v1::CREATE);
  EXPECT_EQ(plan.actions(0).id(), "web/ECS_CLUSTER/web/CREATE");
  EXPECT_EQ(plan.actions(1).verb(), v1::UPDATE);
  EXPECT_EQ(plan.actions(1).resource().id(), "arn:logs");
  ASSERT_EQ(plan.actions(1).changes_size(), 1);
  EXPECT_EQ(plan.actions(1).changes(0).before(), "7");
  EXPECT_EQ(plan.actions(1).changes(0).after(), "30");
  EXPECT_EQ(plan.actions(2).verb(), v1::CREATE);
  ASSERT_EQ(plan.actions(2).depends_on_size(), 2);
  EXPECT_EQ(plan.actions(2).depends_on(0), "web/ECS_CLUSTER/web/CREATE");
  EXPECT_EQ(plan.actions(2).depends_on(1), "web/LOG_GROUP//wharf/web/UPDATE");

  // Everything observed as desired: an empty plan.
  seen.clear();
  for (const auto& r : {cluster, logs, service}) {
    seen[key(r.ref())] = r;
    seen[key(r.ref())].set_id("id-" + r.ref().name());
  }
  EXPECT_EQ(Diff("web", {cluster, logs, service}, lookup).actions_size(), 0);
  // Observed with an empty id = looked for and absent: created again.
  seen[key(cluster.ref())].set_id("");
  v1::Plan again = Diff("web", {cluster, logs, service}, lookup);
  ASSERT_EQ(again.actions_size(), 1);
  EXPECT_EQ(again.actions(0).id(), "web/ECS_CLUSTER/web/CREATE");
}

// --- the whole app --------------------------------------------------------------

v1::AppSpec Example() {
  auto loaded = spec::SpecLoader().LoadFile(std::string(WHARF_TEST_SOURCE_DIR) +
                                            "/config/examples/django-app.yaml");
  EXPECT_TRUE(std::holds_alternative<v1::SpecChanged>(loaded));
  if (!std::holds_alternative<v1::SpecChanged>(loaded)) return {};
  return std::get<v1::SpecChanged>(loaded).spec();
}

// What a perfect cloud reports after applying `graph`: each resource as
// desired (inputs resolved), with an id and the outputs later ones read.
class FakeCloud {
 public:
  void Apply(const std::vector<v1::Resource>& graph) {
    for (const auto& r : graph) {
      v1::Resource observed = ResolveInputs(r, Lookup()).resource;
      std::string id = "id-" + std::to_string(++counter_);
      observed.set_id(id);
      observed.mutable_properties()->mutable_fields()->erase("create_only");
      for (const char* out : {"id", "arn", "uri", "dns_name", "arn_suffix"}) {
        (*observed.mutable_outputs())[out] = std::string(out) + ":" + id;
      }
      (*observed.mutable_outputs())["vpc_id"] = "vpc-1";
      (*observed.mutable_outputs())["public_subnet_ids"] = "subnet-a,subnet-b";
      (*observed.mutable_outputs())["task_subnet_ids"] = "subnet-a,subnet-b";
      // The cloud adds fields Wharf never set.
      (*observed.mutable_properties()->mutable_fields())["status"].set_string_value("ACTIVE");
      resources_[RefKey(r.ref())] = observed;
    }
  }
  ObservedLookup Lookup() const {
    return [this](const v1::ResourceRef& ref) -> const v1::Resource* {
      auto it = resources_.find(RefKey(ref));
      return it == resources_.end() ? nullptr : &it->second;
    };
  }
  std::vector<const v1::Resource*> Known() const {
    std::vector<const v1::Resource*> out;
    for (const auto& [k, r] : resources_) out.push_back(&r);
    return out;
  }
  v1::Resource& At(const std::string& key) { return resources_.at(key); }

 private:
  int counter_ = 0;
  std::map<std::string, v1::Resource> resources_;
};

std::vector<std::string> Ids(const v1::Plan& plan) {
  std::vector<std::string> out;
  for (const auto& a : plan.actions()) out.push_back(a.id());
  return out;
}

TEST(DiffAppTest, EmptyCloudCreatesEverythingWithEdgesFromTheGraph) {
  auto graph = Expand(Example());
  FakeCloud cloud;
  v1::Plan plan = Diff("django-app", graph, cloud.Lookup());
  ASSERT_EQ(plan.actions_size(), static_cast<int>(graph.size()));
  for (const auto& a : plan.actions()) EXPECT_EQ(a.verb(), v1::CREATE) << a.id();
  // The preflight first; everything else waits for it.
  EXPECT_EQ(plan.actions(0).id(), "django-app/PREFLIGHT/django-app-preflight/CREATE");
  EXPECT_EQ(plan.actions(0).depends_on_size(), 0);
  const auto& svc = plan.actions(14);
  EXPECT_EQ(svc.id(), "django-app/ECS_SERVICE/django-app/CREATE");
  EXPECT_EQ(svc.depends_on_size(), graph[14].depends_on_size() + 1);
  for (int i = 1; i < plan.actions_size(); ++i) {
    const auto& deps = plan.actions(i).depends_on();
    EXPECT_NE(std::find(deps.begin(), deps.end(), plan.actions(0).id()), deps.end()) << i;
  }
}

TEST(DiffAppTest, SecondApplyPlansNothing) {
  auto graph = Expand(Example());
  FakeCloud cloud;
  cloud.Apply(graph);
  EXPECT_EQ(Ids(Diff("django-app", graph, cloud.Lookup(), cloud.Known())),
            std::vector<std::string>{});
}

TEST(DiffAppTest, CpuChangeMakesOneRevisionAndOneServiceUpdate) {
  v1::AppSpec spec = Example();
  FakeCloud cloud;
  cloud.Apply(Expand(spec));
  spec.mutable_compute()->set_cpu(1024);
  spec.mutable_compute()->set_memory(2048);
  v1::Plan plan = Diff("django-app", Expand(spec), cloud.Lookup(), cloud.Known());
  EXPECT_EQ(Ids(plan), (std::vector<std::string>{"django-app/PREFLIGHT/django-app-preflight/CREATE",
                                                 "django-app/TASK_DEFINITION/django-app/UPDATE",
                                                 "django-app/ECS_SERVICE/django-app/UPDATE"}));
  ASSERT_EQ(plan.actions(2).changes_size(), 1);
  EXPECT_EQ(plan.actions(2).changes(0).path(), "task_definition_arn");
  EXPECT_EQ(plan.actions(2).changes(0).after(), kKnownAfterApply);
  EXPECT_EQ(plan.actions(2).depends_on(0), plan.actions(1).id());
}

TEST(DiffAppTest, DriftIsCorrectedExceptWhereAnotherOwnerHoldsTheField) {
  v1::AppSpec spec = Example();
  auto graph = Expand(spec);
  FakeCloud cloud;
  cloud.Apply(graph);
  // The autoscaler changed the count: not Wharf's field.
  auto& svc = cloud.At("ECS_SERVICE/django-app");
  (*svc.mutable_properties()->mutable_fields())["desired_count"].set_number_value(5);
  EXPECT_EQ(Diff("django-app", graph, cloud.Lookup()).actions_size(), 0);

  // Without autoscaling the count is Wharf's.
  spec.mutable_scaling()->clear_autoscaling();
  v1::Plan plan = Diff("django-app", Expand(spec), cloud.Lookup());
  ASSERT_EQ(plan.actions_size(), 2);
  EXPECT_EQ(plan.actions(1).id(), "django-app/ECS_SERVICE/django-app/UPDATE");
  EXPECT_EQ(plan.actions(1).changes(0).path(), "desired_count");
  EXPECT_EQ(plan.actions(1).changes(0).before(), "5");
  EXPECT_EQ(plan.actions(1).changes(0).after(), "2");

  // The listener now forwards elsewhere: put back.
  auto& listener = cloud.At("LISTENER/django-app-http");
  (*listener.mutable_properties()->mutable_fields())["default_target_group_arn"].set_string_value(
      "arn:other");
  plan = Diff("django-app", graph, cloud.Lookup());
  ASSERT_EQ(plan.actions_size(), 2);
  EXPECT_EQ(plan.actions(1).id(), "django-app/LISTENER/django-app-http/UPDATE");
  EXPECT_EQ(plan.actions(1).resource().id(), listener.id());
}

TEST(DiffAppTest, ResourcesNoLongerDesiredAreDeletedAfterTheRest) {
  v1::AppSpec spec = Example();
  FakeCloud cloud;
  cloud.Apply(Expand(spec));
  spec.clear_alarms();
  spec.mutable_scaling()->clear_autoscaling();
  v1::Plan plan = Diff("django-app", Expand(spec), cloud.Lookup(), cloud.Known());
  // The service takes over its count; the alarm, policy and target go,
  // dependents first.
  EXPECT_EQ(Ids(plan), (std::vector<std::string>{
                           "django-app/PREFLIGHT/django-app-preflight/CREATE",
                           "django-app/ECS_SERVICE/django-app/UPDATE",
                           "django-app/METRIC_ALARM/django-app-target-5xx/DELETE",
                           "django-app/SCALING_POLICY/django-app-cpu/DELETE",
                           "django-app/SCALABLE_TARGET/service/django-app/django-app/DELETE",
                       }));
  const auto& target = plan.actions(4);
  // The preflight, the update, the alarm, the policy.
  EXPECT_EQ(target.depends_on_size(), 4);
}

TEST(PlanDestroyTest, LeavesFirstAndRetainedResourcesKept) {
  auto graph = Expand(Example());
  v1::Plan plan = PlanDestroy("django-app", graph, {"ECR_REPOSITORY/django-app"});
  std::map<std::string, std::set<std::string>> deps;
  for (const auto& a : plan.actions()) {
    EXPECT_EQ(a.verb(), v1::DELETE);
    deps[a.id()] = {a.depends_on().begin(), a.depends_on().end()};
  }
  auto id = [](const std::string& ref) { return "django-app/" + ref + "/DELETE"; };
  EXPECT_FALSE(deps.count(id("ECR_REPOSITORY/django-app")));
  EXPECT_FALSE(deps.count(id("VPC/django-app-network")));
  EXPECT_TRUE(deps.count(id("LOG_GROUP//ecs/django-app")));
  // The service goes before what it runs on; the listener before its load
  // balancer and target group; the load balancer before its security group.
  EXPECT_TRUE(deps[id("ECS_CLUSTER/django-app")].count(id("ECS_SERVICE/django-app")));
  EXPECT_TRUE(deps[id("TASK_DEFINITION/django-app")].count(id("ECS_SERVICE/django-app")));
  EXPECT_TRUE(deps[id("TARGET_GROUP/django-app")].count(id("LISTENER/django-app-http")));
  EXPECT_TRUE(deps[id("LOAD_BALANCER/django-app")].count(id("LISTENER/django-app-http")));
  EXPECT_TRUE(deps[id("SECURITY_GROUP/django-app-alb")].count(id("LOAD_BALANCER/django-app")));
  EXPECT_TRUE(deps[id("ECS_SERVICE/django-app")].count(
      id("SCALABLE_TARGET/service/django-app/django-app")));
  // Every dependency is itself in the plan.
  for (const auto& [action, needs] : deps) {
    for (const auto& n : needs) EXPECT_TRUE(deps.count(n)) << action << " needs " << n;
  }
}

}  // namespace
}  // namespace wharf::controller
