#include "controller/resource_names.h"

#include <openssl/sha.h>

#include <cstdio>

namespace wharf::controller {

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  std::string hex;
  hex.reserve(2 * SHA256_DIGEST_LENGTH);
  char buf[3];
  for (unsigned char c : digest) {
    std::snprintf(buf, sizeof buf, "%02x", c);
    hex += buf;
  }
  return hex;
}

std::string FitName(const std::string& base, const std::string& suffix, size_t limit) {
  if (base.size() + suffix.size() <= limit) return base + suffix;
  std::string cut = base.substr(0, limit - suffix.size() - 5);
  while (!cut.empty() && cut.back() == '-') cut.pop_back();
  return cut + "-" + Sha256Hex(base).substr(0, 4) + suffix;
}

std::string NetworkName(const v1::AppSpec& spec) { return spec.name() + "-network"; }
std::string AlbSecurityGroupName(const v1::AppSpec& spec) { return spec.name() + "-alb"; }
std::string TaskSecurityGroupName(const v1::AppSpec& spec) { return spec.name() + "-tasks"; }

std::string LoadBalancerName(const v1::AppSpec& spec) {
  std::string name = FitName(spec.name(), "", 32);
  // AWS refuses ALB names starting with "internal-".
  if (name.rfind("internal-", 0) == 0) name = FitName("lb-" + spec.name(), "", 32);
  return name;
}

std::string TargetGroupName(const v1::AppSpec& spec, const std::string& color) {
  return FitName(spec.name(), color.empty() ? "" : "-" + color, 32);
}

std::string LogGroupName(const v1::AppSpec& spec) { return "/ecs/" + spec.name(); }
std::string ExecutionRoleName(const v1::AppSpec& spec) { return spec.name() + "-execution"; }
std::string TaskRoleName(const v1::AppSpec& spec) { return spec.name() + "-task"; }
std::string ClusterName(const v1::AppSpec& spec) {
  return spec.cluster().empty() ? spec.name() : spec.cluster();
}
std::string TaskFamily(const v1::AppSpec& spec) { return spec.name(); }
std::string ServiceName(const v1::AppSpec& spec) { return spec.name(); }
std::string ScalingResourceId(const v1::AppSpec& spec) {
  return "service/" + ClusterName(spec) + "/" + ServiceName(spec);
}
std::string AlarmName(const v1::AppSpec& spec, const std::string& alarm) {
  return spec.name() + "-" + alarm;
}

}  // namespace wharf::controller
