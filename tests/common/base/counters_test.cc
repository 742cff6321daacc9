#include "common/base/counters.h"

#include <gtest/gtest.h>

namespace wharf {
namespace {

TEST(CountersTest, IncrementsAndSnapshots) {
  Counters counters("wharf_test");
  EXPECT_EQ(counters.Get("dropped"), 0);
  counters.Increment("dropped");
  counters.Increment("dropped", 2);
  counters.Increment("received");
  EXPECT_EQ(counters.Get("dropped"), 3);
  auto snapshot = counters.Snapshot();
  ASSERT_EQ(snapshot.size(), 2u);
  EXPECT_EQ(snapshot["received"], 1);
}

}  // namespace
}  // namespace wharf
