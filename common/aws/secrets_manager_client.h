#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/aws/aws_client.h"
#include "common/aws/outcome.h"

namespace wharf::aws {

// A Secrets Manager secret's metadata as DescribeSecret returns it (never its
// value). Timestamps are Unix milliseconds, 0 when absent.
struct SecretDescription {
  std::string arn;
  std::string name;
  std::string description;
  std::string kms_key_id;
  bool rotation_enabled = false;
  int64_t created_ms = 0;
  int64_t last_changed_ms = 0;
  int64_t last_accessed_ms = 0;
  // Set when the secret is scheduled for deletion.
  int64_t deleted_ms = 0;
  std::string primary_region;
  std::string owning_service;
  std::map<std::string, std::string> tags;
  // Version id -> its staging labels ("AWSCURRENT", "AWSPREVIOUS", ...).
  std::map<std::string, std::vector<std::string>> version_ids_to_stages;
};

// Typed AWS Secrets Manager operations over AwsClient (JSON 1.1). A response
// of an unexpected shape becomes a "MalformedResponse" error, never an
// exception. Same threading as AwsClient. `client` must outlive this object.
class SecretsManagerClient {
 public:
  template <typename T>
  using Callback = std::function<void(Outcome<T>)>;

  explicit SecretsManagerClient(AwsClient& client);

  // `secret_id`: name or ARN. An unknown secret is ResourceNotFoundException.
  void DescribeSecret(const std::string& secret_id, Callback<SecretDescription> done);

 private:
  AwsClient& client_;
};

}  // namespace wharf::aws
