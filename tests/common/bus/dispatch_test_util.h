#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/base/asio.h"
#include "common/bus/envelope_codec.h"
#include "common/bus/zmq_socket.h"
#include "tests/common/bus/bus_test_util.h"
#include "wharf/v1/envelope.pb.h"
#include "wharf/v1/plan.pb.h"

namespace wharf::bus::testing {

// An ECS_CLUSTER/CREATE action for app "shop".
inline v1::Action MakeAction(const std::string& id,
                             v1::ResourceKind kind = v1::ResourceKind::ECS_CLUSTER) {
  v1::Action action;
  action.set_id(id);
  action.set_app("shop");
  action.set_verb(v1::CREATE);
  action.mutable_resource()->mutable_ref()->set_kind(kind);
  action.mutable_resource()->mutable_ref()->set_name("shop-" + id);
  action.set_correlation_id("trace-" + id);
  return action;
}

inline v1::Envelope NewEnvelope() {
  v1::Envelope envelope;
  envelope.set_schema_version(kSchemaVersion);
  envelope.set_id("raw");
  envelope.set_source("raw-peer");
  return envelope;
}

inline v1::Envelope Hello(const std::string& executor_id, int capacity) {
  v1::Envelope envelope = NewEnvelope();
  envelope.mutable_executor_hello()->set_executor_id(executor_id);
  envelope.mutable_executor_hello()->set_capacity(capacity);
  return envelope;
}

inline v1::Envelope Result(const std::string& action_id, uint32_t attempt,
                           v1::ActionOutcome outcome = v1::SUCCEEDED) {
  v1::Envelope envelope = NewEnvelope();
  auto* result = envelope.mutable_action_result();
  result->set_action_id(action_id);
  result->set_attempt(attempt);
  result->set_outcome(outcome);
  return envelope;
}

inline Status SendEnvelope(ZmqSocket& socket, const v1::Envelope& envelope) {
  return socket.Send({EnvelopeCodec::EncodeSingle(envelope)});
}

// Runs `ios` until `socket` (not attached to any io) receives an envelope
// with `payload`, skipping others (heartbeats). Routed sockets fill
// `routing_id`.
inline std::optional<v1::Envelope> AwaitEnvelope(
    const std::vector<asio::io_context*>& ios, ZmqSocket& socket, v1::Envelope::PayloadCase payload,
    std::string* routing_id = nullptr, std::chrono::milliseconds bound = std::chrono::seconds(5)) {
  std::optional<v1::Envelope> found;
  RunUntil(
      ios,
      [&] {
        while (true) {
          auto message = socket.TryReceive();
          if (!message.ok() || !message->has_value()) return false;
          auto decoded = EnvelopeCodec::DecodeSingleFrame((*message)->frames);
          if (decoded.ok() && decoded->payload_case() == payload) {
            if (routing_id != nullptr) *routing_id = (*message)->routing_id;
            found = *decoded;
            return true;
          }
        }
      },
      bound);
  return found;
}

}  // namespace wharf::bus::testing
