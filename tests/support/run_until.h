#pragma once

#include <chrono>
#include <functional>

#include "common/base/asio.h"

namespace wharf::test_support {

// Runs `io` on the calling thread until `done()` is true or `timeout` has
// passed; returns done(). Handlers run on the calling thread. The io_context
// is left restartable (restart() is called if it ran out of work), so tests
// can call RunUntil repeatedly. Precondition: no other thread runs `io`.
bool RunUntil(asio::io_context& io, const std::function<bool()>& done,
              std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace wharf::test_support
