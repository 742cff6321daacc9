#include "common/base/ids.h"

#include <gtest/gtest.h>

#include <set>

namespace wharf {
namespace {

TEST(IdGeneratorTest, SeededIsRepeatableAndPrefixed) {
  IdGenerator a(7), b(7);
  std::string first = a.Next("plan");
  EXPECT_EQ(first, b.Next("plan"));
  EXPECT_EQ(first.rfind("plan-", 0), 0u);
  EXPECT_EQ(first.size(), 5u + 16u);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(a.Next());
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace wharf
