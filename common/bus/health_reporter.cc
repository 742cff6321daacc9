#include "common/bus/health_reporter.h"

#include <unistd.h>

#include "common/bus/bus_log.h"
#include "wharf/v1/envelope.pb.h"

namespace wharf::bus {

struct HealthReporter::Impl {
  Impl(asio::io_context& io, EventSink& sink, std::string component, std::string instance,
       Counters& counters, ReadyFn ready, std::chrono::milliseconds period)
      : sink(sink),
        component(std::move(component)),
        instance(std::move(instance)),
        counters(counters),
        ready(std::move(ready)),
        period(period),
        timer(io) {}

  void PublishNow() {
    v1::Envelope envelope;
    auto* health = envelope.mutable_component_health();
    health->set_component(component);
    health->set_instance(instance);
    health->set_pid(static_cast<int32_t>(getpid()));
    health->set_ready(ready ? ready() : true);
    for (const auto& [name, value] : counters.Snapshot())
      (*health->mutable_counters())[name] = value;
    Status published = sink.Publish(std::move(envelope));
    if (!published.ok()) {
      BusLog().warn("{}: publishing health failed: {}", component, published.ToString());
    }
  }

  void Schedule() {
    timer.expires_after(period);
    timer.async_wait([this, weak = std::weak_ptr<int>(alive)](boost::system::error_code ec) {
      if (weak.expired() || ec) return;
      PublishNow();
      Schedule();
    });
  }

  EventSink& sink;
  const std::string component;
  const std::string instance;
  Counters& counters;
  ReadyFn ready;
  const std::chrono::milliseconds period;
  asio::steady_timer timer;  // owned by the io thread
  // Timer handlers hold weak references; expired means the reporter is gone.
  std::shared_ptr<int> alive = std::make_shared<int>(0);
  bool started = false;
};

HealthReporter::HealthReporter(asio::io_context& io, EventSink& sink, std::string component,
                               std::string instance, Counters& counters, ReadyFn ready,
                               std::chrono::milliseconds period)
    : impl_(std::make_unique<Impl>(io, sink, std::move(component), std::move(instance), counters,
                                   std::move(ready), period)) {}

HealthReporter::~HealthReporter() = default;

void HealthReporter::Start() {
  if (impl_->started) return;
  impl_->started = true;
  impl_->PublishNow();
  if (impl_->period.count() > 0) impl_->Schedule();
}

void HealthReporter::PublishNow() { impl_->PublishNow(); }

}  // namespace wharf::bus
