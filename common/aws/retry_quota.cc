#include "common/aws/retry_quota.h"

#include <algorithm>

#include "common/aws/aws_errors.h"

namespace wharf::aws {

RetryQuota::RetryQuota() : RetryQuota(Options()) {}

RetryQuota::RetryQuota(Options options) : options_(options), available_(options.capacity) {}

int RetryQuota::AcquireForRetry(const v1::Error& error) {
  const int cost = IsTimeoutError(error) ? options_.timeout_retry_cost : options_.retry_cost;
  std::lock_guard lock(mu_);
  if (available_ < cost) {
    ++refusals_;
    return 0;
  }
  available_ -= cost;
  return cost;
}

void RetryQuota::OnSuccess(int last_retry_cost) {
  const int refund = last_retry_cost > 0 ? last_retry_cost : options_.success_refund;
  std::lock_guard lock(mu_);
  available_ = std::min(options_.capacity, available_ + refund);
}

int RetryQuota::available() const {
  std::lock_guard lock(mu_);
  return available_;
}

int64_t RetryQuota::refusals() const {
  std::lock_guard lock(mu_);
  return refusals_;
}

}  // namespace wharf::aws
