#include "common/aws/retry_quota.h"

#include <gtest/gtest.h>

namespace wharf::aws {
namespace {

v1::Error Retryable(const std::string& code) {
  v1::Error e;
  e.set_code(code);
  e.set_retryable(true);
  return e;
}

TEST(RetryQuotaTest, CostsAndRefundsLikeTheSdks) {
  RetryQuota quota;  // 500, 5, 10, 1
  struct Step {
    const char* what;
    // One of: a retry after `code`; or OnSuccess(refund_of).
    const char* retry_after_code;
    int success_with_last_retry_cost;
    int want_taken;
    int want_available;
  };
  const Step steps[] = {
      {"throttled: costs 5", "ThrottlingException", 0, 5, 495},
      {"5xx: costs 5", "Http503", 0, 5, 490},
      {"timeout: costs 10", "TransportTimeout", 0, 10, 480},
      {"connection error: costs 5", "ConnectionError", 0, 5, 475},
      {"success after a timeout retry refunds its 10", nullptr, 10, 0, 485},
      {"success after a 5-unit retry refunds 5", nullptr, 5, 0, 490},
      {"success at the first attempt refunds 1", nullptr, 0, 0, 491},
  };
  for (const Step& s : steps) {
    if (s.retry_after_code != nullptr) {
      EXPECT_EQ(quota.AcquireForRetry(Retryable(s.retry_after_code)), s.want_taken) << s.what;
    } else {
      quota.OnSuccess(s.success_with_last_retry_cost);
    }
    EXPECT_EQ(quota.available(), s.want_available) << s.what;
  }
}

TEST(RetryQuotaTest, NeverFillsPastCapacity) {
  RetryQuota quota;
  for (int i = 0; i < 10; ++i) quota.OnSuccess(0);
  EXPECT_EQ(quota.available(), 500);
  quota.OnSuccess(10);
  EXPECT_EQ(quota.available(), 500);
}

TEST(RetryQuotaTest, AnEmptyQuotaRefusesRetriesUntilSuccessesRefillIt) {
  RetryQuota quota(RetryQuota::Options{.capacity = 12});
  EXPECT_EQ(quota.AcquireForRetry(Retryable("Throttling")), 5);
  EXPECT_EQ(quota.AcquireForRetry(Retryable("Throttling")), 5);
  EXPECT_EQ(quota.available(), 2);
  EXPECT_EQ(quota.AcquireForRetry(Retryable("Throttling")), 0);
  EXPECT_EQ(quota.AcquireForRetry(Retryable("TransportTimeout")), 0);
  EXPECT_EQ(quota.refusals(), 2);
  EXPECT_EQ(quota.available(), 2) << "a refusal takes nothing";
  for (int i = 0; i < 3; ++i) quota.OnSuccess(0);
  EXPECT_EQ(quota.AcquireForRetry(Retryable("Throttling")), 5);
  EXPECT_EQ(quota.available(), 0);
}

TEST(RetryQuotaTest, DefaultQuotaAllowsAHundredRetriesInAStorm) {
  RetryQuota quota;
  int retries = 0;
  while (quota.AcquireForRetry(Retryable("Throttling")) > 0) ++retries;
  EXPECT_EQ(retries, 100);
}

}  // namespace
}  // namespace wharf::aws
