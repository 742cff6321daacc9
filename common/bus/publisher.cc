#include "common/bus/publisher.h"

#include "common/bus/bus_log.h"
#include "common/bus/envelope_codec.h"
#include "common/bus/zmq_socket.h"

namespace wharf::bus {

Publisher::Publisher(SocketFactory& sockets, std::string endpoint, std::string source,
                     const Clock& clock, Counters& counters)
    : sockets_(sockets),
      endpoint_(std::move(endpoint)),
      source_(std::move(source)),
      clock_(clock),
      counters_(counters) {}

Publisher::~Publisher() = default;

Status Publisher::Start() {
  if (socket_) return Status::FailedPrecondition("publisher already started");
  WHARF_ASSIGN_OR_RETURN(socket_, sockets_.Connect(SocketFactory::Kind::kPub, endpoint_));
  BusLog().info("publishing to {} as {}", endpoint_, source_);
  return Status::Ok();
}

Status Publisher::Publish(v1::Envelope envelope) {
  if (!socket_) return Status::FailedPrecondition("publisher not started");
  // Reject before numbering, so a refused envelope leaves no sequence gap.
  if (envelope.payload_case() == v1::Envelope::PAYLOAD_NOT_SET) {
    counters_.Increment("publish_rejected");
    return Status::InvalidArgument("publish: envelope has no payload");
  }
  if (envelope.schema_version() != 0 && envelope.schema_version() != kSchemaVersion) {
    counters_.Increment("publish_rejected");
    return Status::InvalidArgument("publish: schema_version " +
                                   std::to_string(envelope.schema_version()));
  }
  if (envelope.ByteSizeLong() > kMaxEnvelopeBytes) {
    counters_.Increment("publish_rejected");
    return Status::InvalidArgument("publish: " + EnvelopeCodec::Topic(envelope) + " envelope of " +
                                   std::to_string(envelope.ByteSizeLong()) + " bytes exceeds " +
                                   std::to_string(kMaxEnvelopeBytes));
  }
  envelope.set_schema_version(kSchemaVersion);
  if (envelope.id().empty()) envelope.set_id(ids_.Next());
  if (envelope.source().empty()) envelope.set_source(source_);
  if (envelope.sequence() == 0) envelope.set_sequence(++sequence_);
  if (envelope.timestamp_unix_ms() == 0) envelope.set_timestamp_unix_ms(clock_.NowUnixMs());

  // PUB never blocks: beyond the high-water mark ZeroMQ drops, which
  // subscribers see as a sequence gap.
  Status sent = socket_->Send(EnvelopeCodec::EncodePubSub(envelope));
  if (!sent.ok()) {
    counters_.Increment("publish_failed");
    return sent;
  }
  counters_.Increment("published");
  return Status::Ok();
}

}  // namespace wharf::bus
