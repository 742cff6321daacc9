#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/base/asio.h"
#include "common/base/counters.h"
#include "common/bus/socket_factory.h"
#include "wharf/v1/envelope.pb.h"

namespace wharf::bus {

class ZmqSocket;

// Receives envelopes from the bus: a SUB socket connected to the proxy's
// subscribe endpoint, read from the io thread. Garbage is dropped and
// counted ("dropped_<reason>"), never delivered.
class Subscriber {
 public:
  using Handler = std::function<void(const v1::Envelope&)>;

  // `topics` are topic prefixes (see EnvelopeCodec::Topic); empty = all.
  Subscriber(asio::io_context& io, SocketFactory& sockets, std::string endpoint,
             std::vector<std::string> topics, Handler handler, Counters& counters);
  ~Subscriber();
  Status Start();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wharf::bus
