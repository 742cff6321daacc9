#pragma once

#include <chrono>

#include "wharf/v1/plan.pb.h"

namespace wharf::aws {

// The AWS SDKs' "standard" retry mode without the retry quota: retry
// retryable errors up to max_attempts in all, waiting
// u * min(max_delay, base_delay * 2^(attempt - 1)) with u uniform in [0, 1)
// ("full jitter"). Pure; thread-safe.
class RetryPolicy {
 public:
  struct Options {
    int max_attempts = 3;
    std::chrono::milliseconds base_delay{1'000};
    std::chrono::milliseconds max_delay{20'000};
  };

  RetryPolicy() = default;
  explicit RetryPolicy(Options options) : options_(options) {}

  // Whether to try again after attempt number `attempt` (1-based) failed with
  // `error`.
  bool ShouldRetry(const v1::Error& error, int attempt) const;
  // The wait before attempt `attempt + 1`; `u` in [0, 1).
  std::chrono::milliseconds Delay(int attempt, double u) const;

  const Options& options() const { return options_; }

 private:
  Options options_;
};

}  // namespace wharf::aws
