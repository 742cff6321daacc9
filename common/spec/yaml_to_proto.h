#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/message.h>

#include "wharf/v1/events.pb.h"

namespace wharf::spec {

// A 1-based position in YAML source; 0 when unknown.
struct SourceMark {
  int line = 0;
  int column = 0;
};

// Where each field of a parsed document was written, by field path:
// "container.port", "alarms[1].metric", "container.environment.DEBUG".
// Paths use the proto (snake_case) field names whatever spelling the YAML used.
using FieldMarks = std::map<std::string, SourceMark, std::less<>>;

struct YamlToProtoResult {
  // Empty iff the message was filled. Messages name keys, never the values of
  // map fields (environment variables may hold secrets).
  std::vector<v1::SpecError> errors;
  // Positions of every key that was read, also when there were errors.
  FieldMarks marks;
  bool ok() const { return errors.empty(); }
};

// Parses one YAML document into `message`, using its descriptor as the schema.
//
// The YAML tree is first checked against the descriptor so that every problem
// is reported with its field path and position: broken YAML, unknown fields
// (with a "did you mean" suggestion), wrong types, bad enum values and integers
// out of range. Field names may be written in snake_case or in proto JSON
// camelCase. Enum values are matched case-insensitively, with '-' read as '_'.
// Scalars of map<string, string> fields may be numbers or booleans and become
// their text. A null value leaves the field unset, except that a null message
// field sets an empty message. An empty document leaves `message` empty.
// The checked tree is then converted to JSON and parsed by protobuf's JSON
// parser, so the proto stays the one schema.
//
// `message` is cleared first; on error its content is unspecified.
YamlToProtoResult YamlToProto(std::string_view yaml, google::protobuf::Message& message);

// Damerau-Levenshtein (optimal string alignment) distance; for suggestions.
size_t EditDistance(std::string_view a, std::string_view b);

}  // namespace wharf::spec
