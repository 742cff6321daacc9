#pragma once

#include <atomic>
#include <chrono>

#include "common/base/clock.h"

namespace wharf {

// A Clock that moves only when told. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_unix_ms = 1'700'000'000'000);
  TimePoint Now() const override;
  int64_t NowUnixMs() const override;
  void Advance(std::chrono::milliseconds by);

 private:
  std::atomic<int64_t> elapsed_ms_{0};
  const int64_t start_unix_ms_;
};

}  // namespace wharf
