#include "common/aws/token_bucket.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace wharf::aws {
namespace {

// Tolerates the rounding of refill arithmetic: a bucket that holds n tokens
// up to this much is treated as holding n.
constexpr double kEpsilon = 1e-9;

}  // namespace

TokenBucket::TokenBucket(double capacity, double refill_per_second, TimePoint now)
    : capacity_(capacity), refill_per_second_(refill_per_second), tokens_(capacity), updated_(now) {
  assert(capacity >= 0 && refill_per_second >= 0);
}

TokenBucket::TokenBucket(double capacity, double refill_per_second)
    : TokenBucket(capacity, refill_per_second, TimePoint()) {
  refilling_ = false;
}

void TokenBucket::StartRefill(TimePoint now) {
  if (refilling_) return;
  refilling_ = true;
  updated_ = now;
}

double TokenBucket::Available(TimePoint now) const {
  if (!refilling_ || now <= updated_) return tokens_;
  const double elapsed = std::chrono::duration<double>(now - updated_).count();
  return std::min(capacity_, tokens_ + elapsed * refill_per_second_);
}

bool TokenBucket::TryTake(TimePoint now, double n) {
  const double available = Available(now);
  if (available + kEpsilon < n) return false;
  tokens_ = std::max(0.0, available - n);
  if (refilling_) updated_ = std::max(updated_, now);
  return true;
}

std::chrono::nanoseconds TokenBucket::TimeUntil(TimePoint now, double n) const {
  const double missing = n - Available(now);
  if (missing <= kEpsilon) return std::chrono::nanoseconds::zero();
  if (n > capacity_ + kEpsilon || refill_per_second_ <= 0 || !refilling_) {
    return std::chrono::nanoseconds::max();
  }
  const double seconds = missing / refill_per_second_;
  return std::chrono::nanoseconds(static_cast<int64_t>(std::ceil(seconds * 1e9)));
}

}  // namespace wharf::aws
