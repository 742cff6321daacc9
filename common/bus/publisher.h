#pragma once

#include <memory>
#include <string>

#include "common/base/asio.h"
#include "common/base/clock.h"
#include "common/base/counters.h"
#include "common/base/ids.h"
#include "common/bus/event_sink.h"
#include "common/bus/socket_factory.h"

namespace wharf::bus {

class ZmqSocket;

// Sends envelopes onto the bus: a PUB socket connected to the proxy's
// publish endpoint. Numbers every envelope with this source's sequence.
// Owned and called by one io thread.
class Publisher final : public EventSink {
 public:
  // `source` names this process instance in every envelope ("watcher/spec@host:pid").
  Publisher(SocketFactory& sockets, std::string endpoint, std::string source, const Clock& clock,
            Counters& counters);
  ~Publisher() override;
  Status Start();
  Status Publish(v1::Envelope envelope) override;
  const std::string& source() const { return source_; }
  uint64_t last_sequence() const { return sequence_; }

 private:
  SocketFactory& sockets_;
  const std::string endpoint_;
  const std::string source_;
  const Clock& clock_;
  Counters& counters_;
  IdGenerator ids_;
  uint64_t sequence_ = 0;
  std::unique_ptr<ZmqSocket> socket_;
};

}  // namespace wharf::bus
