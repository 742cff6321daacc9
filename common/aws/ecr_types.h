#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

// Wharf's view of Amazon ECR's repositories and images, named after ECR's
// members (botocore's ecr service-2.json). Timestamps are Unix milliseconds,
// 0 when ECR gave none.
namespace wharf::aws {

struct EcrRepository {
  std::string arn;
  // The account id of the registry.
  std::string registry_id;
  std::string name;
  // "123456789012.dkr.ecr.us-east-1.amazonaws.com/NAME": what images are
  // pushed to and task definitions name.
  std::string uri;
  int64_t created_at_ms = 0;
  // "MUTABLE" or "IMMUTABLE".
  std::string image_tag_mutability;
  bool scan_on_push = false;
  // "AES256", "KMS" or "KMS_DSSE".
  std::string encryption_type;
  std::string kms_key;
};

struct EcrCreateRepositoryRequest {
  std::string name;
  std::map<std::string, std::string> tags;
  // "MUTABLE" or "IMMUTABLE"; empty: not sent (ECR's default MUTABLE).
  std::string image_tag_mutability;
  bool scan_on_push = false;
  // Empty: not sent (AES256).
  std::string encryption_type;
  std::string kms_key;
};

// An image by tag or by digest ("sha256:..."); set one or both.
struct EcrImageId {
  std::string tag;
  std::string digest;
};

struct EcrImage {
  std::string registry_id;
  std::string repository_name;
  std::string digest;
  std::vector<std::string> tags;
  int64_t size_bytes = 0;
  int64_t pushed_at_ms = 0;
  std::string manifest_media_type;
  std::string artifact_media_type;
};

struct EcrLifecyclePolicy {
  std::string registry_id;
  std::string repository_name;
  // The policy document (JSON text) as ECR stored it.
  std::string policy_text;
};

}  // namespace wharf::aws
