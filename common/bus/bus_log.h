#pragma once

#include <memory>

#include "common/base/logging.h"

namespace wharf::bus {

// The "bus" component's logger, made once per process (thread-safe).
inline spdlog::logger& BusLog() {
  static const std::shared_ptr<spdlog::logger> logger = Logger("bus");
  return *logger;
}

}  // namespace wharf::bus
