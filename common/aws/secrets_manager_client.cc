#include "common/aws/secrets_manager_client.h"

#include <utility>

#include "common/aws/json_call.h"

namespace wharf::aws {
namespace {

using json_call::MalformedJson;
using json_call::String;
using json_call::TimestampMs;
using nlohmann::json;

SecretDescription ParseSecret(const json& r) {
  SecretDescription s;
  s.arn = String(r, "ARN");
  s.name = String(r, "Name");
  s.description = String(r, "Description");
  s.kms_key_id = String(r, "KmsKeyId");
  s.rotation_enabled = json_call::Bool(r, "RotationEnabled");
  s.created_ms = TimestampMs(r, "CreatedDate");
  s.last_changed_ms = TimestampMs(r, "LastChangedDate");
  s.last_accessed_ms = TimestampMs(r, "LastAccessedDate");
  s.deleted_ms = TimestampMs(r, "DeletedDate");
  s.primary_region = String(r, "PrimaryRegion");
  s.owning_service = String(r, "OwningService");
  s.tags = json_call::TagList(r, "Tags", "Key", "Value");
  if (const json* versions = json_call::Object(r, "VersionIdsToStages")) {
    for (const auto& [version, stages] : versions->items()) {
      if (!stages.is_array()) throw MalformedJson("VersionIdsToStages: expected arrays");
      std::vector<std::string>& labels = s.version_ids_to_stages[version];
      for (const json& stage : stages) {
        if (!stage.is_string()) throw MalformedJson("VersionIdsToStages: expected strings");
        labels.push_back(stage.get<std::string>());
      }
    }
  }
  return s;
}

}  // namespace

SecretsManagerClient::SecretsManagerClient(AwsClient& client) : client_(client) {}

void SecretsManagerClient::DescribeSecret(const std::string& secret_id,
                                          Callback<SecretDescription> done) {
  json_call::Call<SecretDescription>(client_, services::kSecretsManager, "DescribeSecret",
                                     json{{"SecretId", secret_id}}, ParseSecret, std::move(done));
}

}  // namespace wharf::aws
