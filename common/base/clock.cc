#include "common/base/clock.h"

namespace wharf {

Clock::TimePoint SystemClock::Now() const { return std::chrono::steady_clock::now(); }

int64_t SystemClock::NowUnixMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace wharf
