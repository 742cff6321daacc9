#include "common/aws/retry_policy.h"

#include <gtest/gtest.h>

namespace wharf::aws {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicyTest, FullJitterExponentialCapped) {
  RetryPolicy policy(RetryPolicy::Options{
      .max_attempts = 10, .base_delay = milliseconds(1000), .max_delay = milliseconds(20000)});
  struct Case {
    int attempt;
    double u;
    milliseconds want;
  };
  const Case cases[] = {
      {1, 0.0, milliseconds(0)},      {1, 0.5, milliseconds(500)},   {1, 0.999, milliseconds(999)},
      {2, 0.5, milliseconds(1000)},   {3, 0.5, milliseconds(2000)},  {4, 1.0, milliseconds(8000)},
      {5, 1.0, milliseconds(16000)},  {6, 1.0, milliseconds(20000)}, {6, 0.5, milliseconds(10000)},
      {40, 1.0, milliseconds(20000)}, {1, -3.0, milliseconds(0)},    {1, 7.0, milliseconds(1000)},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(policy.Delay(c.attempt, c.u), c.want) << "attempt " << c.attempt << " u " << c.u;
  }
}

TEST(RetryPolicyTest, RetriesOnlyRetryableWithinAttempts) {
  RetryPolicy policy;  // 3 attempts
  v1::Error throttled;
  throttled.set_retryable(true);
  v1::Error invalid;
  invalid.set_retryable(false);
  EXPECT_TRUE(policy.ShouldRetry(throttled, 1));
  EXPECT_TRUE(policy.ShouldRetry(throttled, 2));
  EXPECT_FALSE(policy.ShouldRetry(throttled, 3));
  EXPECT_FALSE(policy.ShouldRetry(invalid, 1));
}

}  // namespace
}  // namespace wharf::aws
