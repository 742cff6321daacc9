#include "controller/input_resolver.h"

#include <gtest/gtest.h>

#include <map>

namespace wharf::controller {
namespace {

class InputResolverTest : public testing::Test {
 protected:
  void Observe(v1::ResourceKind kind, const std::string& name,
               std::map<std::string, std::string> outputs) {
    v1::Resource r;
    r.mutable_ref()->set_kind(kind);
    r.mutable_ref()->set_name(name);
    r.set_id("id-" + name);
    for (const auto& [k, v] : outputs) (*r.mutable_outputs())[k] = v;
    seen_[{kind, name}] = r;
  }
  ObservedLookup Lookup() {
    return [this](const v1::ResourceRef& ref) -> const v1::Resource* {
      auto it = seen_.find({ref.kind(), ref.name()});
      return it == seen_.end() ? nullptr : &it->second;
    };
  }
  std::map<std::pair<int, std::string>, v1::Resource> seen_;
};

TEST_F(InputResolverTest, FillsScalarsListsAndTemplates) {
  Observe(v1::VPC, "shop-network", {{"vpc_id", "vpc-1"}, {"task_subnet_ids", "subnet-a,subnet-b"}});
  Observe(v1::SECURITY_GROUP, "shop-tasks", {{"id", "sg-9"}});
  Observe(v1::ECR_REPOSITORY, "shop.web", {{"uri", "123.dkr.ecr/shop.web"}});
  Observe(v1::LOG_GROUP, "/ecs/shop", {{"arn", "arn:logs"}});
  v1::Resource r;
  auto& in = *r.mutable_inputs();
  in["vpc_id"] = "VPC/shop-network.vpc_id";
  in["network.subnets[]"] = "VPC/shop-network.task_subnet_ids";
  in["network.security_groups[]"] = "SECURITY_GROUP/shop-tasks.id,SECURITY_GROUP/shop-tasks.id";
  in["container.image"] = "{ECR_REPOSITORY/shop.web.uri}:1.2";
  in["log"] = "LOG_GROUP//ecs/shop.arn";
  auto resolved = ResolveInputs(r, Lookup());
  EXPECT_TRUE(resolved.unresolved.empty());
  const auto& f = resolved.resource.properties().fields();
  EXPECT_EQ(f.at("vpc_id").string_value(), "vpc-1");
  EXPECT_EQ(f.at("log").string_value(), "arn:logs");
  const auto& net = f.at("network").struct_value().fields();
  ASSERT_EQ(net.at("subnets").list_value().values_size(), 2);
  EXPECT_EQ(net.at("subnets").list_value().values(1).string_value(), "subnet-b");
  EXPECT_EQ(net.at("security_groups").list_value().values_size(), 2);
  EXPECT_EQ(f.at("container").struct_value().fields().at("image").string_value(),
            "123.dkr.ecr/shop.web:1.2");
}

TEST_F(InputResolverTest, UnknownOutputsAreListedAndLeftUnset) {
  Observe(v1::SECURITY_GROUP, "absent", {});
  seen_[{v1::SECURITY_GROUP, "absent"}].set_id("");  // looked for, not there
  v1::Resource r;
  (*r.mutable_inputs())["a"] = "VPC/nowhere.vpc_id";
  (*r.mutable_inputs())["b"] = "SECURITY_GROUP/absent.id";
  (*r.mutable_inputs())["c"] = "{VPC/nowhere.vpc_id}-x";
  (*r.mutable_inputs())["d"] = "not a reference";
  auto resolved = ResolveInputs(r, Lookup());
  EXPECT_EQ(resolved.unresolved, (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_TRUE(resolved.resource.properties().fields().empty());
}

TEST(ParseOutputRefTest, NamesMayHoldSlashesAndDots) {
  v1::ResourceRef ref;
  std::string output;
  ASSERT_TRUE(ParseOutputRef("SCALABLE_TARGET/service/c/s.arn", &ref, &output));
  EXPECT_EQ(ref.kind(), v1::SCALABLE_TARGET);
  EXPECT_EQ(ref.name(), "service/c/s");
  EXPECT_EQ(output, "arn");
  ASSERT_TRUE(ParseOutputRef("ECR_REPOSITORY/a.b.uri", &ref, &output));
  EXPECT_EQ(ref.name(), "a.b");
  EXPECT_FALSE(ParseOutputRef("NOT_A_KIND/x.arn", &ref, &output));
  EXPECT_FALSE(ParseOutputRef("VPC/x", &ref, &output));
  EXPECT_FALSE(ParseOutputRef("VPC/.id", &ref, &output));
}

}  // namespace
}  // namespace wharf::controller
