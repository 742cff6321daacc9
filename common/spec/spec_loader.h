#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include "common/spec/spec_validator.h"
#include "wharf/v1/app.pb.h"
#include "wharf/v1/events.pb.h"

namespace wharf::spec {

// One app file, loaded: the valid spec with its hash, or every reason it is
// not valid. Holds SpecChanged iff the file is a valid spec.
using SpecLoadResult = std::variant<v1::SpecChanged, v1::SpecInvalid>;

// Reads, parses (YamlToProto) and validates (SpecValidator) app files.
// Read failures (missing, unreadable, too large) are SpecInvalid too, with a
// file-level error. The semantic rules run only on a document that parsed, so
// schema errors (unknown fields, wrong types) are reported first, alone.
// No error message repeats an environment or secret value.
// Stateless apart from its options; thread-safe.
class SpecLoader {
 public:
  struct Options {
    // Larger files are refused unread.
    size_t max_file_bytes = 1 << 20;
  };

  SpecLoader() = default;
  explicit SpecLoader(Options options) : options_(options) {}

  // `path` is reported as the result's `file` exactly as given.
  SpecLoadResult LoadFile(const std::string& path) const;
  // Parses `yaml` as if read from `file`.
  SpecLoadResult Parse(std::string_view yaml, const std::string& file) const;

 private:
  Options options_;
  SpecValidator validator_;
};

// Lower-case hex SHA-256 of the spec's deterministic serialization: equal
// specs (whatever the YAML's key order or spelling) hash equal.
std::string SpecHash(const v1::AppSpec& spec);

// "file:line:column: field: message", leaving out what is unknown.
std::string FormatSpecError(const std::string& file, const v1::SpecError& error);

}  // namespace wharf::spec
