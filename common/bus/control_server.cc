#include "common/bus/control_server.h"

#include <chrono>

#include "common/base/ids.h"
#include "common/bus/bus_log.h"
#include "common/bus/drop_counter.h"
#include "common/bus/envelope_codec.h"
#include "common/bus/zmq_socket.h"
#include "wharf/v1/envelope.pb.h"

namespace wharf::bus {

struct ControlServer::Impl {
  Impl(asio::io_context& io, SocketFactory& sockets, std::string endpoint, Handler handler,
       Counters& counters)
      : io(io),
        sockets(sockets),
        endpoint(std::move(endpoint)),
        handler(std::move(handler)),
        counters(counters),
        drops(counters, "control " + this->endpoint),
        source("controller@" + ProcessInstanceName()) {}

  void OnMessage(const ZmqSocket::Message& message) {
    DropReason reason{};
    auto decoded = EnvelopeCodec::DecodeSingleFrame(message.frames, &reason);
    if (!decoded.ok()) {
      drops.Count(reason, decoded.status());
      return;
    }
    const v1::Envelope& request = *decoded;
    if (request.payload_case() != v1::Envelope::kControlRequest) {
      drops.Count("unexpected_payload", "control socket got " + EnvelopeCodec::Topic(request));
      return;
    }
    counters.Increment("control_requests");

    v1::Envelope reply;
    reply.set_schema_version(kSchemaVersion);
    reply.set_id(ids.Next());
    reply.set_source(source);
    reply.set_sequence(++sequence);
    reply.set_timestamp_unix_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
    reply.set_correlation_id(request.correlation_id());
    *reply.mutable_control_reply() = handler(request.control_request());

    std::string bytes = EnvelopeCodec::EncodeSingle(reply);
    if (bytes.size() > kMaxEnvelopeBytes) {
      // The client would drop it; tell it why instead.
      BusLog().error("control reply of {} bytes exceeds {}", bytes.size(), kMaxEnvelopeBytes);
      reply.mutable_control_reply()->Clear();
      reply.mutable_control_reply()->set_error("reply too large (" + std::to_string(bytes.size()) +
                                               " bytes)");
      bytes = EnvelopeCodec::EncodeSingle(reply);
    }
    Status sent = socket->SendRouted(message.routing_id, {std::move(bytes)});
    if (!sent.ok()) {
      // The client gave up (timed out) and closed its socket.
      counters.Increment("control_reply_failed");
      BusLog().debug("control: reply not delivered: {}", sent.ToString());
    }
  }

  asio::io_context& io;
  SocketFactory& sockets;
  const std::string endpoint;
  Handler handler;
  Counters& counters;
  DropCounter drops;
  const std::string source;
  // Owned by the io thread.
  IdGenerator ids;
  uint64_t sequence = 0;
  std::unique_ptr<ZmqSocket> socket;  // ROUTER bound at endpoint
};

ControlServer::ControlServer(asio::io_context& io, SocketFactory& sockets, std::string endpoint,
                             Handler handler, Counters& counters)
    : impl_(
          std::make_unique<Impl>(io, sockets, std::move(endpoint), std::move(handler), counters)) {}

ControlServer::~ControlServer() = default;

Status ControlServer::Start() {
  if (impl_->socket) return Status::FailedPrecondition("control server already started");
  WHARF_ASSIGN_OR_RETURN(auto socket,
                         impl_->sockets.Bind(SocketFactory::Kind::kRouter, impl_->endpoint));
  Impl* impl = impl_.get();
  WHARF_RETURN_IF_ERROR(socket->OnReadable(
      impl_->io, [impl](const ZmqSocket::Message& message) { impl->OnMessage(message); }));
  impl_->socket = std::move(socket);
  BusLog().info("control server at {}", impl_->endpoint);
  return Status::Ok();
}

}  // namespace wharf::bus
