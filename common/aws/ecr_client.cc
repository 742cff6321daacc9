#include "common/aws/ecr_client.h"

#include <utility>

#include "common/aws/json_call.h"

namespace wharf::aws {
namespace {

using json_call::Array;
using json_call::Bool;
using json_call::Int;
using json_call::Object;
using json_call::RequiredObject;
using json_call::String;
using json_call::Strings;
using json_call::TimestampMs;
using nlohmann::json;

const AwsService& Ecr() { return services::kEcr; }

EcrRepository ParseRepository(const json& j) {
  EcrRepository r;
  r.arn = String(j, "repositoryArn");
  r.registry_id = String(j, "registryId");
  r.name = String(j, "repositoryName");
  r.uri = String(j, "repositoryUri");
  r.created_at_ms = TimestampMs(j, "createdAt");
  r.image_tag_mutability = String(j, "imageTagMutability");
  if (const json* scanning = Object(j, "imageScanningConfiguration")) {
    r.scan_on_push = Bool(*scanning, "scanOnPush");
  }
  if (const json* encryption = Object(j, "encryptionConfiguration")) {
    r.encryption_type = String(*encryption, "encryptionType");
    r.kms_key = String(*encryption, "kmsKey");
  }
  return r;
}

EcrImage ParseImage(const json& j) {
  EcrImage i;
  i.registry_id = String(j, "registryId");
  i.repository_name = String(j, "repositoryName");
  i.digest = String(j, "imageDigest");
  i.tags = Strings(j, "imageTags");
  i.size_bytes = Int(j, "imageSizeInBytes");
  i.pushed_at_ms = TimestampMs(j, "imagePushedAt");
  i.manifest_media_type = String(j, "imageManifestMediaType");
  i.artifact_media_type = String(j, "artifactMediaType");
  return i;
}

EcrRepository RepositoryOf(const json& r) {
  return ParseRepository(RequiredObject(r, "repository"));
}

}  // namespace

EcrClient::EcrClient(AwsClient& client) : client_(client) {}

void EcrClient::CreateRepository(const EcrCreateRepositoryRequest& request,
                                 Callback<EcrRepository> done) {
  json input = {{"repositoryName", request.name}};
  if (!request.tags.empty()) input["tags"] = json_call::TagListJson(request.tags, "Key", "Value");
  if (!request.image_tag_mutability.empty()) {
    input["imageTagMutability"] = request.image_tag_mutability;
  }
  input["imageScanningConfiguration"] = {{"scanOnPush", request.scan_on_push}};
  if (!request.encryption_type.empty()) {
    input["encryptionConfiguration"] = {{"encryptionType", request.encryption_type}};
    if (!request.kms_key.empty()) input["encryptionConfiguration"]["kmsKey"] = request.kms_key;
  }
  json_call::Call<EcrRepository>(client_, Ecr(), "CreateRepository", std::move(input), RepositoryOf,
                                 std::move(done));
}

void EcrClient::DescribeRepositories(const std::vector<std::string>& names,
                                     Callback<std::vector<EcrRepository>> done) {
  json input = json::object();
  if (!names.empty()) input["repositoryNames"] = names;
  json_call::CallPagedItems<EcrRepository>(
      client_, Ecr(), "DescribeRepositories", std::move(input), {},
      [](const json& page, std::vector<EcrRepository>& out) {
        for (const json& r : Array(page, "repositories")) out.push_back(ParseRepository(r));
      },
      std::move(done));
}

void EcrClient::DescribeImages(const std::string& repository, const std::vector<EcrImageId>& ids,
                               Callback<std::vector<EcrImage>> done) {
  json input = {{"repositoryName", repository}};
  if (!ids.empty()) {
    json& list = input["imageIds"] = json::array();
    for (const EcrImageId& id : ids) {
      json j = json::object();
      if (!id.tag.empty()) j["imageTag"] = id.tag;
      if (!id.digest.empty()) j["imageDigest"] = id.digest;
      list.push_back(std::move(j));
    }
  }
  json_call::CallPagedItems<EcrImage>(
      client_, Ecr(), "DescribeImages", std::move(input), {},
      [](const json& page, std::vector<EcrImage>& out) {
        for (const json& i : Array(page, "imageDetails")) out.push_back(ParseImage(i));
      },
      std::move(done));
}

void EcrClient::PutLifecyclePolicy(const std::string& repository, const std::string& policy_text,
                                   Callback<EcrLifecyclePolicy> done) {
  json input = {{"repositoryName", repository}, {"lifecyclePolicyText", policy_text}};
  json_call::Call<EcrLifecyclePolicy>(
      client_, Ecr(), "PutLifecyclePolicy", std::move(input),
      [](const json& r) {
        return EcrLifecyclePolicy{String(r, "registryId"), String(r, "repositoryName"),
                                  String(r, "lifecyclePolicyText")};
      },
      std::move(done));
}

void EcrClient::DeleteRepository(const std::string& repository, bool force,
                                 Callback<EcrRepository> done) {
  json input = {{"repositoryName", repository}};
  if (force) input["force"] = true;
  json_call::Call<EcrRepository>(client_, Ecr(), "DeleteRepository", std::move(input), RepositoryOf,
                                 std::move(done));
}

void EcrClient::GetLifecyclePolicy(const std::string& repository,
                                   Callback<EcrLifecyclePolicy> done) {
  json_call::Call<EcrLifecyclePolicy>(
      client_, Ecr(), "GetLifecyclePolicy", json{{"repositoryName", repository}},
      [](const json& r) {
        return EcrLifecyclePolicy{String(r, "registryId"), String(r, "repositoryName"),
                                  String(r, "lifecyclePolicyText")};
      },
      std::move(done));
}

void EcrClient::PutImageTagMutability(const std::string& repository, const std::string& mutability,
                                      Callback<bool> done) {
  json_call::Call<bool>(
      client_, Ecr(), "PutImageTagMutability",
      json{{"repositoryName", repository}, {"imageTagMutability", mutability}},
      [](const json&) { return true; }, std::move(done));
}

void EcrClient::ListTagsForResource(const std::string& arn,
                                    Callback<std::map<std::string, std::string>> done) {
  json_call::Call<std::map<std::string, std::string>>(
      client_, Ecr(), "ListTagsForResource", json{{"resourceArn", arn}},
      [](const json& r) { return json_call::TagList(r, "tags", "Key", "Value"); }, std::move(done));
}

void EcrClient::TagResource(const std::string& arn, const std::map<std::string, std::string>& tags,
                            Callback<bool> done) {
  json_call::Call<bool>(
      client_, Ecr(), "TagResource",
      json{{"resourceArn", arn}, {"tags", json_call::TagListJson(tags, "Key", "Value")}},
      [](const json&) { return true; }, std::move(done));
}

}  // namespace wharf::aws
