#pragma once

#include <string>
#include <vector>

#include "common/spec/yaml_to_proto.h"
#include "wharf/v1/app.pb.h"
#include "wharf/v1/events.pb.h"

namespace wharf::spec {

// The semantic rules of an AppSpec that the schema cannot express: required
// fields, name charset and length, Fargate cpu/memory pairs, ports, ARNs,
// environment names, deployment steps, autoscaling bounds, health checks, tags,
// image digests and log retention.
//
// Each error names its field path and, when `marks` (from YamlToProto) has the
// field or one of its parents, the YAML position. Messages name keys, never
// the values of environment variables or secrets. Stateless and thread-safe.
class SpecValidator {
 public:
  // Every rule `spec` breaks, in field order; empty when the spec is valid.
  std::vector<v1::SpecError> Validate(const v1::AppSpec& spec, const FieldMarks& marks = {}) const;

  // True when `name` follows the app name rules (the ones Validate checks).
  static bool IsValidAppName(const std::string& name);
  // Fargate memory sizes (MiB) allowed with `cpu` units; empty for an invalid cpu.
  static std::vector<int> ValidFargateMemory(int cpu);
  // "1024, 2048, 3072 or 4096" / "8192 to 30720 in steps of 1024".
  static std::string DescribeFargateMemory(int cpu);
};

}  // namespace wharf::spec
