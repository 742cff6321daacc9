#pragma once

#include <chrono>

#include "common/base/clock.h"

namespace wharf::aws {

// A token bucket: holds at most `capacity` tokens, starts full and refills
// continuously at `refill_per_second`. Time is passed in (a steady clock's
// time points), so the arithmetic is a pure function of the calls. A value;
// not thread-safe.
class TokenBucket {
 public:
  using TimePoint = Clock::TimePoint;

  // Preconditions: capacity >= 0, refill_per_second >= 0.
  TokenBucket(double capacity, double refill_per_second, TimePoint now);
  // A full bucket whose refill has not started: it gains nothing until
  // StartRefill().
  TokenBucket(double capacity, double refill_per_second);

  // Starts the refill at `now`; no effect once started.
  void StartRefill(TimePoint now);
  bool refilling() const { return refilling_; }

  // Tokens held at `now` (time before the last update counts as no time).
  double Available(TimePoint now) const;
  // Takes `n` tokens when at least `n` are held at `now`; returns whether it
  // did.
  bool TryTake(TimePoint now, double n = 1.0);
  // How long after `now` until `n` tokens are held: zero when they are now;
  // nanoseconds::max() when never (n > capacity, no refill, or the refill
  // has not started). Rounded up,
  // so Available(now + TimeUntil(now, n)) >= n.
  std::chrono::nanoseconds TimeUntil(TimePoint now, double n = 1.0) const;

  double capacity() const { return capacity_; }
  double refill_per_second() const { return refill_per_second_; }

 private:
  double capacity_;
  double refill_per_second_;
  double tokens_;  // as of updated_
  TimePoint updated_;
  bool refilling_ = true;
};

}  // namespace wharf::aws
