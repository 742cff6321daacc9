#include "common/aws/token_bucket.h"

#include <chrono>
#include <vector>

#include <gtest/gtest.h>

namespace wharf::aws {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using TimePoint = TokenBucket::TimePoint;

TimePoint At(int64_t ms) { return TimePoint(milliseconds(ms)); }

TEST(TokenBucketTest, StartsFullTakesAndRefills) {
  // RegisterTaskDefinition's bucket: 20 burst, 1 per second.
  TokenBucket bucket(20, 1, At(0));
  struct Step {
    int64_t at_ms;
    bool want_taken;
    double want_left;
  };
  std::vector<Step> steps;
  for (int i = 0; i < 20; ++i) steps.push_back({0, true, 19.0 - i});
  steps.push_back({0, false, 0});        // the 21st in the same instant
  steps.push_back({999, false, 0.999});  // not a whole token yet
  steps.push_back({1000, true, 0});
  steps.push_back({1500, false, 0.5});
  steps.push_back({60'000, true, 19});  // refills to capacity, not past it
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& s = steps[i];
    EXPECT_EQ(bucket.TryTake(At(s.at_ms)), s.want_taken) << "step " << i;
    EXPECT_NEAR(bucket.Available(At(s.at_ms)), s.want_left, 1e-6) << "step " << i;
  }
}

TEST(TokenBucketTest, TimeUntilATokenIsRoundedUpAndExact) {
  struct Case {
    double capacity;
    double per_second;
    int take;  // tokens taken at t=0
    double n;
    nanoseconds want;
  };
  const Case cases[] = {
      {20, 1, 0, 1, nanoseconds(0)},
      {20, 1, 20, 1, milliseconds(1000)},
      {100, 20, 100, 1, milliseconds(50)},
      {10, 0.2, 10, 1, milliseconds(5000)},
      {4, 0.3, 4, 1, nanoseconds(3'333'333'334)},
      {20, 1, 20, 2, milliseconds(2000)},
      {5, 1, 0, 6, nanoseconds::max()},  // more than it can ever hold
      {5, 0, 5, 1, nanoseconds::max()},  // never refills
  };
  for (const Case& c : cases) {
    TokenBucket bucket(c.capacity, c.per_second, At(0));
    for (int i = 0; i < c.take; ++i) ASSERT_TRUE(bucket.TryTake(At(0)));
    const nanoseconds wait = bucket.TimeUntil(At(0), c.n);
    EXPECT_EQ(wait, c.want) << c.capacity << "/" << c.per_second << " n=" << c.n;
    if (wait != nanoseconds::max()) {
      EXPECT_TRUE(bucket.TryTake(TimePoint(wait), c.n)) << "a token must be there after the wait";
    }
  }
}

TEST(TokenBucketTest, TimeGoingBackwardsAddsNothing) {
  TokenBucket bucket(2, 1, At(10'000));
  ASSERT_TRUE(bucket.TryTake(At(10'000)));
  ASSERT_TRUE(bucket.TryTake(At(10'000)));
  EXPECT_FALSE(bucket.TryTake(At(5'000)));
  EXPECT_DOUBLE_EQ(bucket.Available(At(5'000)), 0);
  EXPECT_TRUE(bucket.TryTake(At(11'000)));
}

TEST(TokenBucketTest, RefillStartsWhenTold) {
  TokenBucket bucket(2, 1);
  EXPECT_FALSE(bucket.refilling());
  ASSERT_TRUE(bucket.TryTake(At(0)));
  ASSERT_TRUE(bucket.TryTake(At(0)));
  EXPECT_FALSE(bucket.TryTake(At(60'000)));
  EXPECT_EQ(bucket.TimeUntil(At(60'000)), nanoseconds::max());
  bucket.StartRefill(At(60'000));
  bucket.StartRefill(At(90'000));  // once only
  EXPECT_EQ(bucket.TimeUntil(At(60'000)), milliseconds(1000));
  EXPECT_TRUE(bucket.TryTake(At(61'000)));
  EXPECT_NEAR(bucket.Available(At(70'000)), 2, 1e-9);
}

}  // namespace
}  // namespace wharf::aws
