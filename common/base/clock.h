#pragma once

#include <chrono>
#include <cstdint>

namespace wharf {

// Source of time. Logic takes a Clock (or a time value) so tests advance a
// FakeClock instead of sleeping. Implementations are thread-safe.
class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  // Monotonic time for timeouts, backoff and liveness.
  virtual TimePoint Now() const = 0;
  // Wall-clock milliseconds since the Unix epoch, for messages and logs.
  virtual int64_t NowUnixMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override;
  int64_t NowUnixMs() const override;
};

}  // namespace wharf
