#pragma once

#include <string>

#include "wharf/v1/app.pb.h"

// The AWS names Wharf gives an app's resources (docs/RESOURCES.md, "Names").
// Pure and stable: the same spec always yields the same names, and every
// name is within its AWS limit.
namespace wharf::controller {

// `base + suffix` when it fits in `limit`; otherwise `base` cut short, then
// "-" and 4 hex digits of SHA-256(base), then `suffix`. Never ends in '-'.
// Precondition: suffix.size() + 6 <= limit.
std::string FitName(const std::string& base, const std::string& suffix, size_t limit);

std::string NetworkName(const v1::AppSpec& spec);
std::string AlbSecurityGroupName(const v1::AppSpec& spec);
std::string TaskSecurityGroupName(const v1::AppSpec& spec);
// ALB name (32 characters at most, no "internal-" prefix).
std::string LoadBalancerName(const v1::AppSpec& spec);
// Target group of a rolling app (`color` empty) or the blue/green pair.
std::string TargetGroupName(const v1::AppSpec& spec, const std::string& color = "");
std::string LogGroupName(const v1::AppSpec& spec);
std::string ExecutionRoleName(const v1::AppSpec& spec);
std::string TaskRoleName(const v1::AppSpec& spec);
// spec.cluster, else the app name.
std::string ClusterName(const v1::AppSpec& spec);
std::string TaskFamily(const v1::AppSpec& spec);
std::string ServiceName(const v1::AppSpec& spec);
// Application Auto Scaling resource id: service/<cluster>/<service>.
std::string ScalingResourceId(const v1::AppSpec& spec);
std::string AlarmName(const v1::AppSpec& spec, const std::string& alarm);

// Hex SHA-256 of `data`.
std::string Sha256Hex(const std::string& data);

}  // namespace wharf::controller
