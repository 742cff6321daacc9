#pragma once

#include <string>

#include "wharf/v1/control.pb.h"
#include "wharf/v1/envelope.pb.h"

namespace wharf::cli {

// Human-readable renderings for the terminal. Pure.
class TextFormat {
 public:
  // `wharf status`: the stack's health, then one block per app.
  static std::string Status(const v1::StatusReply& status);
  // `wharf events` / `wharf wait`: one line per event; empty for events that
  // are not worth a line (health reports).
  static std::string Event(const v1::Envelope& envelope);
  // The app an event is about; empty when none.
  static std::string App(const v1::Envelope& envelope);
  // "CONVERGED" from APP_PHASE_CONVERGED, "SUCCEEDED" from ACTION_STATE_SUCCEEDED.
  static std::string Phase(v1::AppPhase phase);
  static std::string State(v1::ActionState state);
  // `wharf plan`: one line per action ("+ create", "~ update", "- delete")
  // with the fields that change, then a summary; or the spec's errors.
  static std::string Plan(const v1::PlanReply& plan);
  // "file:line:column: field: message (fix)" per error.
  static std::string SpecErrors(const std::string& file,
                                const google::protobuf::RepeatedPtrField<v1::SpecError>& errors);
};

}  // namespace wharf::cli
