#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/base/asio.h"
#include "common/base/counters.h"
#include "common/bus/event_sink.h"

namespace wharf::bus {

// Publishes this process's ComponentHealth (readiness and counters) every
// `period` and on demand. Owned and called by one io thread.
class HealthReporter {
 public:
  using ReadyFn = std::function<bool()>;
  HealthReporter(asio::io_context& io, EventSink& sink, std::string component, std::string instance,
                 Counters& counters, ReadyFn ready, std::chrono::milliseconds period);
  ~HealthReporter();
  void Start();
  void PublishNow();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wharf::bus
