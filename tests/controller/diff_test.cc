#include "controller/diff.h"

#include <gtest/gtest.h>

#include <map>

#include <google/protobuf/util/json_util.h>

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
  for (const auto& r : {cluster, logs, service}) seen[key(r.ref())] = r;
  EXPECT_EQ(Diff("web", {cluster, logs, service}, lookup).actions_size(), 0);
}

}  // namespace
}  // namespace wharf::controller
