#pragma once

#include <memory>
#include <string>

#include "common/base/asio.h"
#include "common/base/counters.h"
#include "common/bus/socket_factory.h"
#include "wharf/v1/envelope.pb.h"

namespace wharf::bus {

// The bus: XSUB bound at the publish endpoint, XPUB bound at the subscribe
// endpoint, forwarding on the io thread. Every message is decoded before it
// is forwarded; garbage is dropped and counted here so subscribers never see
// it. Subscriptions flow back from XPUB to XSUB.
class BusProxy {
 public:
  BusProxy(asio::io_context& io, SocketFactory& sockets, std::string publish_endpoint,
           std::string subscribe_endpoint, Counters& counters);
  ~BusProxy();
  Status Start();
  // Sends the proxy's own envelope (e.g. its ComponentHealth) to subscribers.
  Status PublishLocal(const v1::Envelope& envelope);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wharf::bus
