#include "common/bus/bus_proxy.h"

#include "common/bus/bus_log.h"
#include "common/bus/drop_counter.h"
#include "common/bus/envelope_codec.h"
#include "common/bus/zmq_socket.h"

namespace wharf::bus {

struct BusProxy::Impl {
  Impl(asio::io_context& io, SocketFactory& sockets, std::string publish_endpoint,
       std::string subscribe_endpoint, Counters& counters)
      : io(io),
        sockets(sockets),
        publish_endpoint(std::move(publish_endpoint)),
        subscribe_endpoint(std::move(subscribe_endpoint)),
        counters(counters),
        publish_drops(counters, "proxy publish side " + this->publish_endpoint),
        subscribe_drops(counters, "proxy subscribe side " + this->subscribe_endpoint) {}

  // Publisher -> subscribers: forward only what decodes.
  void OnPublished(const ZmqSocket::Message& message) {
    DropReason reason{};
    auto decoded = EnvelopeCodec::DecodePubSub(message.frames, &reason);
    if (!decoded.ok()) {
      publish_drops.Count(reason, decoded.status());
      return;
    }
    // The frames are known good; forward them as they came.
    Status sent = xpub->Send(message.frames);
    if (!sent.ok()) {
      counters.Increment("forward_failed");
      BusLog().debug("proxy: forwarding {} failed: {}", message.frames[0], sent.ToString());
      return;
    }
    counters.Increment("forwarded");
  }

  // Subscribers -> publishers: (un)subscribe frames, one frame starting with
  // 1 (subscribe) or 0 (unsubscribe). Anything else is dropped.
  void OnSubscription(const ZmqSocket::Message& message) {
    if (message.frames.size() != 1 || message.frames[0].empty() ||
        (message.frames[0][0] != 0 && message.frames[0][0] != 1)) {
      subscribe_drops.Count(
          "bad_subscription",
          "not a (un)subscribe frame (" + std::to_string(message.frames.size()) + " frames)");
      return;
    }
    Status sent = xsub->Send(message.frames);
    if (!sent.ok()) {
      counters.Increment("subscription_forward_failed");
      BusLog().warn("proxy: forwarding a subscription failed: {}", sent.ToString());
      return;
    }
    counters.Increment(message.frames[0][0] == 1 ? "subscribed" : "unsubscribed");
  }

  asio::io_context& io;
  SocketFactory& sockets;
  const std::string publish_endpoint;
  const std::string subscribe_endpoint;
  Counters& counters;
  DropCounter publish_drops;
  DropCounter subscribe_drops;
  // Owned by the io thread.
  std::unique_ptr<ZmqSocket> xsub;  // bound at publish_endpoint
  std::unique_ptr<ZmqSocket> xpub;  // bound at subscribe_endpoint
};

BusProxy::BusProxy(asio::io_context& io, SocketFactory& sockets, std::string publish_endpoint,
                   std::string subscribe_endpoint, Counters& counters)
    : impl_(std::make_unique<Impl>(io, sockets, std::move(publish_endpoint),
                                   std::move(subscribe_endpoint), counters)) {}

BusProxy::~BusProxy() = default;

Status BusProxy::Start() {
  if (impl_->xsub) return Status::FailedPrecondition("proxy already started");
  WHARF_ASSIGN_OR_RETURN(auto xsub,
                         impl_->sockets.Bind(SocketFactory::Kind::kXSub, impl_->publish_endpoint));
  WHARF_ASSIGN_OR_RETURN(
      auto xpub, impl_->sockets.Bind(SocketFactory::Kind::kXPub, impl_->subscribe_endpoint));
  Impl* impl = impl_.get();
  WHARF_RETURN_IF_ERROR(xsub->OnReadable(
      impl_->io, [impl](const ZmqSocket::Message& message) { impl->OnPublished(message); }));
  WHARF_RETURN_IF_ERROR(xpub->OnReadable(
      impl_->io, [impl](const ZmqSocket::Message& message) { impl->OnSubscription(message); }));
  impl_->xsub = std::move(xsub);
  impl_->xpub = std::move(xpub);
  BusLog().info("bus proxy: publish at {}, subscribe at {}", impl_->publish_endpoint,
                impl_->subscribe_endpoint);
  return Status::Ok();
}

Status BusProxy::PublishLocal(const v1::Envelope& envelope) {
  if (!impl_->xpub) return Status::FailedPrecondition("proxy not started");
  Frames frames = EnvelopeCodec::EncodePubSub(envelope);
  // Subscribers would drop what does not decode; refuse it here instead.
  auto checked = EnvelopeCodec::DecodePubSub(frames);
  if (!checked.ok()) return checked.status();
  Status sent = impl_->xpub->Send(frames);
  if (sent.ok()) impl_->counters.Increment("published_local");
  return sent;
}

}  // namespace wharf::bus
