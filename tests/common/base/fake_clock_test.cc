#include "common/base/fake_clock.h"

#include <gtest/gtest.h>

namespace wharf {
namespace {

TEST(FakeClockTest, MovesOnlyWhenAdvanced) {
  FakeClock clock(1000);
  auto t0 = clock.Now();
  EXPECT_EQ(clock.NowUnixMs(), 1000);
  clock.Advance(std::chrono::milliseconds(250));
  EXPECT_EQ(clock.Now() - t0, std::chrono::milliseconds(250));
  EXPECT_EQ(clock.NowUnixMs(), 1250);
}

}  // namespace
}  // namespace wharf
