#include "common/aws/retry_policy.h"

#include <algorithm>
#include <cmath>

namespace wharf::aws {

bool RetryPolicy::ShouldRetry(const v1::Error& error, int attempt) const {
  return error.retryable() && attempt < options_.max_attempts;
}

std::chrono::milliseconds RetryPolicy::Delay(int attempt, double u) const {
  u = std::clamp(u, 0.0, 1.0);
  // 2^(attempt-1) overflows nothing: the exponent is capped well past any cap.
  const int exponent = std::clamp(attempt - 1, 0, 30);
  const double ceiling =
      std::min(static_cast<double>(options_.max_delay.count()),
               static_cast<double>(options_.base_delay.count()) * std::ldexp(1.0, exponent));
  return std::chrono::milliseconds(static_cast<int64_t>(u * ceiling));
}

}  // namespace wharf::aws
