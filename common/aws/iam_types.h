#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace wharf::aws {

struct IamRole {
  std::string name;
  std::string id;  // "AROA..."
  std::string arn;
  std::string path;  // "/"
  // The trust policy as JSON text (IAM sends it URL-encoded; decoded here).
  std::string assume_role_policy_document;
  std::string description;
  std::optional<int64_t> max_session_duration;  // seconds
  std::string create_date;                      // ISO 8601, as IAM sent it
  std::string permissions_boundary_arn;
  std::map<std::string, std::string> tags;
};

struct IamCreateRoleRequest {
  std::string name;
  // JSON text of the trust policy, e.g. ecs-tasks.amazonaws.com may assume it.
  std::string assume_role_policy_document;
  std::string path;         // "": "/"
  std::string description;  // optional
  std::optional<int64_t> max_session_duration;
  std::string permissions_boundary_arn;  // optional
  std::map<std::string, std::string> tags;
};

struct IamAttachedPolicy {
  std::string name;
  std::string arn;
};

}  // namespace wharf::aws
