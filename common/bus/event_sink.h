#pragma once

#include "common/base/status.h"
#include "wharf/v1/envelope.pb.h"

namespace wharf::bus {

// Where a component puts the events it produces. Publisher sends them onto
// the bus; tests use FakeEventSink. Called on the owner's io thread only.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // Fills schema_version, id, source, sequence and timestamp when unset, then
  // sends. An error means the event was not handed to the transport.
  virtual Status Publish(v1::Envelope envelope) = 0;
};

}  // namespace wharf::bus
