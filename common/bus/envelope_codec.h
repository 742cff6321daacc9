#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"
#include "wharf/v1/envelope.pb.h"

namespace wharf::bus {

// Schema version this build speaks; envelopes with another are dropped.
inline constexpr uint32_t kSchemaVersion = 1;
// Largest encoded envelope accepted (bytes). Larger messages are dropped.
inline constexpr size_t kMaxEnvelopeBytes = 1 << 20;

// The frames of one ZeroMQ multipart message, as bytes.
using Frames = std::vector<std::string>;

// Why a message was dropped; each has a counter named "dropped_<name>".
enum class DropReason {
  kFrameCount,  // wrong number of frames for the socket kind
  kOversized,
  kUnparseable,
  kBadVersion,
  kUnknownType,  // payload case not set (empty or from a newer schema)
  kTopicMismatch,
};
std::string_view DropReasonName(DropReason reason);

// The only code that turns envelopes into frames and back. Pure, thread-safe.
//
// Pub/sub messages are two frames: [topic, envelope]. The topic is the
// payload's field name in envelope.proto ("spec_changed", "app_status", ...),
// so subscribers filter with ZeroMQ prefix subscriptions ("spec_" = every
// spec event). Dispatch and control messages are one frame: [envelope]
// (ROUTER identity frames are handled by the socket adapter).
class EnvelopeCodec {
 public:
  struct Decoded {
    v1::Envelope envelope;
  };
  struct Dropped {
    DropReason reason;
    std::string detail;
  };

  static std::string Topic(const v1::Envelope& envelope);
  static Frames EncodePubSub(const v1::Envelope& envelope);
  static std::string EncodeSingle(const v1::Envelope& envelope);

  // Decodes [topic, envelope]; the topic must match the payload.
  static Result<v1::Envelope> DecodePubSub(const Frames& frames, DropReason* reason = nullptr);
  // Decodes one envelope frame.
  static Result<v1::Envelope> DecodeSingle(std::string_view bytes, DropReason* reason = nullptr);
  // Decodes a dispatch/control message: exactly one frame, [envelope]
  // (kFrameCount otherwise).
  static Result<v1::Envelope> DecodeSingleFrame(const Frames& frames, DropReason* reason = nullptr);
};

}  // namespace wharf::bus
