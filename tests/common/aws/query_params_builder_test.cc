#include "common/aws/query_params_builder.h"

#include <cstdint>
#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace wharf::aws {
namespace {

using ListStyle = QueryParamsBuilder::ListStyle;

TEST(QueryParamsBuilderTest, QueryListsUseMember) {
  QueryParamsBuilder b(ListStyle::kMember);
  b.Add("Name", "web");
  b.AddStrings("Subnets", {"subnet-1", "subnet-2"});
  b.AddKeyValues("Tags", {{"b", "2"}, {"a", "1"}});
  b.AddStrings("Empty", {});
  EXPECT_EQ(b.params(), (QueryParams{{"Name", "web"},
                                     {"Subnets.member.1", "subnet-1"},
                                     {"Subnets.member.2", "subnet-2"},
                                     {"Tags.member.1.Key", "a"},
                                     {"Tags.member.1.Value", "1"},
                                     {"Tags.member.2.Key", "b"},
                                     {"Tags.member.2.Value", "2"}}));
}

TEST(QueryParamsBuilderTest, Ec2ListsAreNumberedDirectly) {
  QueryParamsBuilder b(ListStyle::kEc2);
  b.AddStrings("GroupId", {"sg-1"});
  b.AddStrings(b.ListItem("Filter", 0) + ".Value", {"x", "y"});
  b.AddKeyValues("Tag", {{"app", "shop"}});
  EXPECT_EQ(b.params(), (QueryParams{{"GroupId.1", "sg-1"},
                                     {"Filter.1.Value.1", "x"},
                                     {"Filter.1.Value.2", "y"},
                                     {"Tag.1.Key", "app"},
                                     {"Tag.1.Value", "shop"}}));
}

TEST(QueryParamsBuilderTest, ScalarsAndOptionals) {
  QueryParamsBuilder b(ListStyle::kMember);
  b.AddInt("Port", 8080);
  b.AddBool("Enabled", false);
  b.AddDouble("A", 5.5);
  b.AddDouble("B", 80);
  b.AddDouble("C", 0.1);
  b.AddDouble("D", 1e-5);
  b.AddIfNotEmpty("Skipped", "");
  b.AddIfSet("SkippedToo", std::optional<int64_t>());
  b.AddIfSet("Count", std::optional<int64_t>(0));
  b.AddIfSet("Flag", std::optional<bool>(true));
  b.AddIfSet("Text", std::optional<std::string>(""));
  EXPECT_EQ(b.params(), (QueryParams{{"Port", "8080"},
                                     {"Enabled", "false"},
                                     {"A", "5.5"},
                                     {"B", "80"},
                                     {"C", "0.1"},
                                     {"D", "1e-05"},
                                     {"Count", "0"},
                                     {"Flag", "true"},
                                     {"Text", ""}}));
}

}  // namespace
}  // namespace wharf::aws
