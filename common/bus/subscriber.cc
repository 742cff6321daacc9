#include "common/bus/subscriber.h"

#include "common/bus/bus_log.h"
#include "common/bus/drop_counter.h"
#include "common/bus/envelope_codec.h"
#include "common/bus/zmq_socket.h"

namespace wharf::bus {

struct Subscriber::Impl {
  Impl(asio::io_context& io, SocketFactory& sockets, std::string endpoint,
       std::vector<std::string> topics, Handler handler, Counters& counters)
      : io(io),
        sockets(sockets),
        endpoint(std::move(endpoint)),
        topics(std::move(topics)),
        handler(std::move(handler)),
        counters(counters),
        drops(counters, "subscriber " + this->endpoint) {}

  void OnMessage(const ZmqSocket::Message& message) {
    DropReason reason{};
    auto decoded = EnvelopeCodec::DecodePubSub(message.frames, &reason);
    if (!decoded.ok()) {
      drops.Count(reason, decoded.status());
      return;
    }
    counters.Increment("received");
    handler(*decoded);
  }

  asio::io_context& io;
  SocketFactory& sockets;
  const std::string endpoint;
  const std::vector<std::string> topics;
  Handler handler;
  Counters& counters;
  DropCounter drops;
  std::unique_ptr<ZmqSocket> socket;  // owned by the io thread
};

Subscriber::Subscriber(asio::io_context& io, SocketFactory& sockets, std::string endpoint,
                       std::vector<std::string> topics, Handler handler, Counters& counters)
    : impl_(std::make_unique<Impl>(io, sockets, std::move(endpoint), std::move(topics),
                                   std::move(handler), counters)) {}

Subscriber::~Subscriber() = default;

Status Subscriber::Start() {
  if (impl_->socket) return Status::FailedPrecondition("subscriber already started");
  WHARF_ASSIGN_OR_RETURN(auto socket,
                         impl_->sockets.Connect(SocketFactory::Kind::kSub, impl_->endpoint));
  if (impl_->topics.empty()) {
    WHARF_RETURN_IF_ERROR(socket->Subscribe(""));
  } else {
    for (const auto& topic : impl_->topics) WHARF_RETURN_IF_ERROR(socket->Subscribe(topic));
  }
  Impl* impl = impl_.get();
  WHARF_RETURN_IF_ERROR(socket->OnReadable(
      impl_->io, [impl](const ZmqSocket::Message& message) { impl->OnMessage(message); }));
  impl_->socket = std::move(socket);
  BusLog().info("subscribed to {} ({} topic prefixes)", impl_->endpoint, impl_->topics.size());
  return Status::Ok();
}

}  // namespace wharf::bus
