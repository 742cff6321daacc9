#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <vector>

// Pure helpers shared by the network resources' handlers.
namespace wharf::executors::network {

// The desired tags the object lacks or holds with another value (what
// CreateTags / AddTags must write). Extra tags on the object are left alone.
inline std::map<std::string, std::string> TagsToAdd(
    const std::map<std::string, std::string>& desired,
    const std::map<std::string, std::string>& actual) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : desired) {
    auto it = actual.find(k);
    if (it == actual.end() || it->second != v) out[k] = v;
  }
  return out;
}

// `actual` with `added` written over it.
inline std::map<std::string, std::string> WithTags(
    std::map<std::string, std::string> actual, const std::map<std::string, std::string>& added) {
  for (const auto& [k, v] : added) actual[k] = v;
  return actual;
}

inline std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// "app/<name>/<id>" of a load balancer's ARN (its CloudWatch dimension);
// empty for anything else.
inline std::string LoadBalancerArnSuffix(const std::string& arn) {
  const std::string marker = ":loadbalancer/";
  size_t at = arn.find(marker);
  return at == std::string::npos ? "" : arn.substr(at + marker.size());
}

// "targetgroup/<name>/<id>" of a target group's ARN (its CloudWatch
// dimension); empty for anything else.
inline std::string TargetGroupArnSuffix(const std::string& arn) {
  size_t at = arn.find(":targetgroup/");
  return at == std::string::npos ? "" : arn.substr(at + 1);
}

}  // namespace wharf::executors::network
