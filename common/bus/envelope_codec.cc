#include "common/bus/envelope_codec.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/stubs/logging.h>

namespace wharf::bus {
namespace {

Status Drop(DropReason reason, DropReason* out, const std::string& detail) {
  if (out != nullptr) *out = reason;
  return Status::InvalidArgument("dropped (" + std::string(DropReasonName(reason)) +
                                 "): " + detail);
}

}  // namespace

std::string_view DropReasonName(DropReason reason) {
  switch (reason) {
    case DropReason::kFrameCount:
      return "frame_count";
    case DropReason::kOversized:
      return "oversized";
    case DropReason::kUnparseable:
      return "unparseable";
    case DropReason::kBadVersion:
      return "bad_version";
    case DropReason::kUnknownType:
      return "unknown_type";
    case DropReason::kTopicMismatch:
      return "topic_mismatch";
  }
  return "unknown";
}

std::string EnvelopeCodec::Topic(const v1::Envelope& envelope) {
  if (envelope.payload_case() == v1::Envelope::PAYLOAD_NOT_SET) return "";
  const auto* field = envelope.GetDescriptor()->FindFieldByNumber(envelope.payload_case());
  return field == nullptr ? "" : field->name();
}

Frames EnvelopeCodec::EncodePubSub(const v1::Envelope& envelope) {
  return Frames{Topic(envelope), envelope.SerializeAsString()};
}

std::string EnvelopeCodec::EncodeSingle(const v1::Envelope& envelope) {
  return envelope.SerializeAsString();
}

Result<v1::Envelope> EnvelopeCodec::DecodePubSub(const Frames& frames, DropReason* reason) {
  if (frames.size() != 2) {
    return Drop(DropReason::kFrameCount, reason,
                "pub/sub message has " + std::to_string(frames.size()) + " frames, want 2");
  }
  WHARF_ASSIGN_OR_RETURN(v1::Envelope envelope, DecodeSingle(frames[1], reason));
  std::string topic = Topic(envelope);
  if (frames[0] != topic) {
    return Drop(
        DropReason::kTopicMismatch, reason,
        "topic frame (" + std::to_string(frames[0].size()) + " bytes) is not \"" + topic + "\"");
  }
  return envelope;
}

Result<v1::Envelope> EnvelopeCodec::DecodeSingleFrame(const Frames& frames, DropReason* reason) {
  if (frames.size() != 1) {
    return Drop(DropReason::kFrameCount, reason,
                "message has " + std::to_string(frames.size()) + " frames, want 1");
  }
  return DecodeSingle(frames[0], reason);
}

Result<v1::Envelope> EnvelopeCodec::DecodeSingle(std::string_view bytes, DropReason* reason) {
  // Size first: never parse what we would not keep.
  if (bytes.size() > kMaxEnvelopeBytes) {
    return Drop(DropReason::kOversized, reason,
                std::to_string(bytes.size()) + " bytes > " + std::to_string(kMaxEnvelopeBytes));
  }
  v1::Envelope envelope;
  {
    // Garbage with invalid UTF-8 in a string field makes protobuf log an
    // error per message; the drop is counted instead.
    google::protobuf::LogSilencer silence;
    if (!envelope.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return Drop(DropReason::kUnparseable, reason,
                  "not an Envelope (" + std::to_string(bytes.size()) + " bytes)");
    }
  }
  if (envelope.schema_version() != kSchemaVersion) {
    return Drop(DropReason::kBadVersion, reason,
                "schema_version " + std::to_string(envelope.schema_version()) + ", want " +
                    std::to_string(kSchemaVersion));
  }
  if (envelope.payload_case() == v1::Envelope::PAYLOAD_NOT_SET) {
    return Drop(DropReason::kUnknownType, reason, "payload not set or unknown to this build");
  }
  return envelope;
}

}  // namespace wharf::bus
