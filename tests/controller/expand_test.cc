#include "controller/expand.h"

#include <gtest/gtest.h>

#include <google/protobuf/util/message_differencer.h>

namespace wharf::controller {
namespace {

v1::AppSpec Spec(const std::string& name, const std::string& cluster = "") {
  v1::AppSpec spec;
  spec.set_name(name);
  spec.set_cluster(cluster);
  (*spec.mutable_tags())["team"] = "payments";
  return spec;
}

TEST(ExpandTest, ClusterIsNamedAndTaggedForTheApp) {
  auto graph = Expand(Spec("shop"));
  ASSERT_EQ(graph.size(), 1u);
  const auto& cluster = graph[0];
  EXPECT_EQ(cluster.ref().kind(), v1::ECS_CLUSTER);
  EXPECT_EQ(cluster.ref().name(), "shop");
  EXPECT_EQ(cluster.app(), "shop");
  EXPECT_EQ(cluster.tags().at(kTagApp), "shop");
  EXPECT_EQ(cluster.tags().at(kTagManagedBy), "wharf");
  EXPECT_EQ(cluster.tags().at("team"), "payments");
  EXPECT_EQ(cluster.properties().fields().at("name").string_value(), "shop");
}

TEST(ExpandTest, ExplicitClusterNameWinsAndExpansionIsDeterministic) {
  auto a = Expand(Spec("shop", "shared-prod"));
  EXPECT_EQ(a[0].ref().name(), "shared-prod");
  auto b = Expand(Spec("shop", "shared-prod"));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(a[0], b[0]));
}

}  // namespace
}  // namespace wharf::controller
