#include "common/base/fake_clock.h"

namespace wharf {

FakeClock::FakeClock(int64_t start_unix_ms) : start_unix_ms_(start_unix_ms) {}

Clock::TimePoint FakeClock::Now() const {
  return TimePoint(std::chrono::milliseconds(elapsed_ms_.load()));
}

int64_t FakeClock::NowUnixMs() const { return start_unix_ms_ + elapsed_ms_.load(); }

void FakeClock::Advance(std::chrono::milliseconds by) { elapsed_ms_ += by.count(); }

}  // namespace wharf
