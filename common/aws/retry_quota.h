#pragma once

#include <cstdint>
#include <mutex>

#include "wharf/v1/plan.pb.h"

namespace wharf::aws {

// The AWS SDKs' retry quota (botocore's RetryQuotaChecker, "standard" retry
// mode): `capacity` units (500), full at first, shared by every call of the
// clients given the same RetryQuota. A retry takes `retry_cost` units (5), or
// `timeout_retry_cost` (10) after a transport timeout; when fewer units are
// left the error is returned instead of retried. A call that succeeds at its
// first attempt puts back `success_refund` (1); one that succeeds after
// retries puts back what its last retry took. So while most calls succeed
// the quota stays full, and when a service keeps failing the clients stop
// multiplying its load (about 100 retries, then only first attempts until
// successes refill it).
//
// Thread-safe: clients on different threads may share one.
class RetryQuota {
 public:
  // Costs and refund are > 0.
  struct Options {
    int capacity = 500;
    int retry_cost = 5;
    int timeout_retry_cost = 10;
    int success_refund = 1;
  };

  RetryQuota();
  explicit RetryQuota(Options options);

  // Takes the cost of a retry after `error` (precondition: retryable).
  // Returns the units taken, or 0 (taking nothing) when the quota has fewer
  // than the cost left.
  int AcquireForRetry(const v1::Error& error);
  // A call succeeded; `last_retry_cost` is what AcquireForRetry() returned
  // for its last retry (0 when it was not retried). Never fills past
  // capacity.
  void OnSuccess(int last_retry_cost);

  int available() const;
  // Retries refused because the quota was short.
  int64_t refusals() const;
  const Options& options() const { return options_; }

 private:
  const Options options_;
  mutable std::mutex mu_;
  int available_;         // guarded by mu_
  int64_t refusals_ = 0;  // guarded by mu_
};

}  // namespace wharf::aws
