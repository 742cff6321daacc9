#include "common/bus/control_client.h"

#include "common/base/ids.h"
#include "common/bus/bus_log.h"
#include "common/bus/envelope_codec.h"
#include "common/bus/zmq_socket.h"
#include "wharf/v1/envelope.pb.h"

namespace wharf::bus {

Result<v1::ControlReply> ControlClient::Call(SocketFactory& sockets, const std::string& endpoint,
                                             const v1::ControlRequest& request,
                                             std::chrono::milliseconds timeout) {
  using std::chrono::steady_clock;
  const auto deadline = steady_clock::now() + timeout;

  // A fresh socket per call: a reply to an earlier, abandoned call can never
  // be taken for this one's, and nothing queued outlives the call (linger 0).
  WHARF_ASSIGN_OR_RETURN(auto socket, sockets.Connect(SocketFactory::Kind::kDealer, endpoint));

  IdGenerator ids;
  v1::Envelope envelope;
  envelope.set_schema_version(kSchemaVersion);
  envelope.set_id(ids.Next());
  envelope.set_source("cli@" + ProcessInstanceName());
  envelope.set_sequence(1);
  envelope.set_timestamp_unix_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  envelope.set_correlation_id(ids.Next("ctl"));
  *envelope.mutable_control_request() = request;
  WHARF_RETURN_IF_ERROR(socket->Send({EnvelopeCodec::EncodeSingle(envelope)}));

  while (true) {
    // Rounded up, so the call never returns before its deadline.
    const auto remaining =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - steady_clock::now());
    if (remaining.count() <= 0) break;
    auto message = socket->ReceiveFor(remaining);
    if (!message.ok()) {
      if (message.status().code() == Status::Code::kDeadlineExceeded) break;
      return message.status();
    }
    auto reply = EnvelopeCodec::DecodeSingleFrame(message->frames);
    if (!reply.ok()) {
      BusLog().warn("control client: {}", reply.status().ToString());
      continue;
    }
    if (reply->payload_case() != v1::Envelope::kControlReply ||
        reply->correlation_id() != envelope.correlation_id()) {
      BusLog().warn("control client: ignoring unexpected {} (correlation id {})",
                    EnvelopeCodec::Topic(*reply), reply->correlation_id());
      continue;
    }
    return std::move(*reply->mutable_control_reply());
  }
  return Status::Unavailable("no reply from the controller at " + endpoint + " within " +
                             std::to_string(timeout.count()) + " ms (is it running?)");
}

}  // namespace wharf::bus
