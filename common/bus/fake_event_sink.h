#pragma once

#include <vector>

#include "common/bus/event_sink.h"

namespace wharf::bus {

// Records every published envelope, numbering them like Publisher does.
class FakeEventSink final : public EventSink {
 public:
  Status Publish(v1::Envelope envelope) override {
    if (envelope.sequence() == 0) envelope.set_sequence(++sequence_);
    published.push_back(std::move(envelope));
    return Status::Ok();
  }
  std::vector<v1::Envelope> published;

 private:
  uint64_t sequence_ = 0;
};

}  // namespace wharf::bus
