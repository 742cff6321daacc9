#include "tests/support/run_until.h"

namespace wharf::test_support {

bool RunUntil(asio::io_context& io, const std::function<bool()>& done,
              std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (io.stopped()) io.restart();
  // Keeps run_one_for() waiting (not returning at once) while nothing is queued.
  auto guard = asio::make_work_guard(io);
  while (!done()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    const auto slice = std::min<std::chrono::steady_clock::duration>(deadline - now,
                                                                     std::chrono::milliseconds(20));
    io.run_one_for(slice);
    if (io.stopped()) io.restart();
  }
  guard.reset();
  // Ready handlers of finished work stay queued for the next call.
  if (io.stopped()) io.restart();
  return done();
}

}  // namespace wharf::test_support
