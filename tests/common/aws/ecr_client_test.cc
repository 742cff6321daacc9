// EcrClient's request encoding and response parsing, on canned JSON.
#include "common/aws/ecr_client.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/common/aws/json_client_test_fixture.h"

namespace wharf::aws {
namespace {

using nlohmann::json;

class EcrClientTest : public test::JsonClientTest {
 protected:
  EcrClient ecr_{*client_};
};

constexpr char kRepository[] = R"({"repositoryArn": "arn:aws:ecr:eu-west-1:1:repository/shop",
    "registryId": "1", "repositoryName": "shop",
    "repositoryUri": "1.dkr.ecr.eu-west-1.amazonaws.com/shop", "createdAt": 1700000000.25,
    "imageTagMutability": "IMMUTABLE", "imageScanningConfiguration": {"scanOnPush": true},
    "encryptionConfiguration": {"encryptionType": "KMS", "kmsKey": "arn:kms"}})";

TEST_F(EcrClientTest, CreateRepositoryRequestAndResult) {
  Respond(std::string(R"({"repository": )") + kRepository + "}");
  EcrCreateRepositoryRequest r;
  r.name = "shop";
  r.tags = {{"wharf:app", "shop"}};
  r.image_tag_mutability = "IMMUTABLE";
  r.scan_on_push = true;
  r.encryption_type = "KMS";
  r.kms_key = "arn:kms";
  auto got = Call<EcrRepository>([&](auto done) { ecr_.CreateRepository(r, std::move(done)); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(Target(0), "AmazonEC2ContainerRegistry_V20150921.CreateRepository");
  EXPECT_EQ(Body(0), json::parse(R"({"repositoryName": "shop",
      "tags": [{"Key": "wharf:app", "Value": "shop"}], "imageTagMutability": "IMMUTABLE",
      "imageScanningConfiguration": {"scanOnPush": true},
      "encryptionConfiguration": {"encryptionType": "KMS", "kmsKey": "arn:kms"}})"));
  EXPECT_EQ(got->arn, "arn:aws:ecr:eu-west-1:1:repository/shop");
  EXPECT_EQ(got->registry_id, "1");
  EXPECT_EQ(got->name, "shop");
  EXPECT_EQ(got->uri, "1.dkr.ecr.eu-west-1.amazonaws.com/shop");
  EXPECT_EQ(got->created_at_ms, 1700000000250);
  EXPECT_EQ(got->image_tag_mutability, "IMMUTABLE");
  EXPECT_TRUE(got->scan_on_push);
  EXPECT_EQ(got->encryption_type, "KMS");
  EXPECT_EQ(got->kms_key, "arn:kms");

  Respond(R"({"repository": {"repositoryName": "bare"}})");
  EcrCreateRepositoryRequest minimal;
  minimal.name = "bare";
  auto bare =
      Call<EcrRepository>([&](auto done) { ecr_.CreateRepository(minimal, std::move(done)); });
  ASSERT_TRUE(bare.ok()) << bare.status().ToString();
  EXPECT_EQ(Body(1), json::parse(R"({"repositoryName": "bare",
      "imageScanningConfiguration": {"scanOnPush": false}})"));
  EXPECT_FALSE(bare->scan_on_push);
  EXPECT_EQ(bare->created_at_ms, 0);
}

TEST_F(EcrClientTest, DescribeRepositoriesPagesAndRejectsWrongShapes) {
  Respond(std::string(R"({"repositories": [)") + kRepository + R"(], "nextToken": "n"})");
  Respond(R"({"repositories": [{"repositoryName": "b"}]})");
  auto got = Call<std::vector<EcrRepository>>(
      [&](auto done) { ecr_.DescribeRepositories({}, std::move(done)); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ(got.value()[1].name, "b");
  EXPECT_EQ(Body(0), json::object());
  EXPECT_EQ(Body(1), json::parse(R"({"nextToken": "n"})"));

  Respond(R"({"repositories": [{"imageScanningConfiguration": {"scanOnPush": "yes"}}]})");
  auto bad = Call<std::vector<EcrRepository>>(
      [&](auto done) { ecr_.DescribeRepositories({"shop"}, std::move(done)); });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), "MalformedResponse");
  EXPECT_EQ(Body(2), json::parse(R"({"repositoryNames": ["shop"]})"));

  Respond(R"({"__type": "RepositoryNotFoundException", "message": "no shop"})", 400);
  auto missing = Call<std::vector<EcrRepository>>(
      [&](auto done) { ecr_.DescribeRepositories({"shop"}, std::move(done)); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), "RepositoryNotFoundException");
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
}

TEST_F(EcrClientTest, DescribeImagesByTagAndDigest) {
  Respond(R"({"imageDetails": [{"registryId": "1", "repositoryName": "shop",
      "imageDigest": "sha256:abc", "imageTags": ["v1", "latest"], "imageSizeInBytes": 12345678,
      "imagePushedAt": 1700000000,
      "imageManifestMediaType": "application/vnd.docker.distribution.manifest.v2+json"}]})");
  auto got = Call<std::vector<EcrImage>>([&](auto done) {
    ecr_.DescribeImages("shop", {EcrImageId{"v1", ""}, EcrImageId{"", "sha256:abc"}},
                        std::move(done));
  });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(Body(0), json::parse(R"({"repositoryName": "shop",
      "imageIds": [{"imageTag": "v1"}, {"imageDigest": "sha256:abc"}]})"));
  ASSERT_EQ(got->size(), 1u);
  const EcrImage& image = got.value()[0];
  EXPECT_EQ(image.digest, "sha256:abc");
  EXPECT_EQ(image.tags, (std::vector<std::string>{"v1", "latest"}));
  EXPECT_EQ(image.size_bytes, 12345678);
  EXPECT_EQ(image.pushed_at_ms, 1700000000000);
  EXPECT_EQ(image.manifest_media_type, "application/vnd.docker.distribution.manifest.v2+json");

  Respond(R"({"imageDetails": []})");
  auto none = Call<std::vector<EcrImage>>(
      [&](auto done) { ecr_.DescribeImages("shop", {}, std::move(done)); });
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(Body(1), json::parse(R"({"repositoryName": "shop"})"));

  Respond(R"({"imageDetails": [{"imageTags": "v1"}]})");
  auto bad = Call<std::vector<EcrImage>>(
      [&](auto done) { ecr_.DescribeImages("shop", {}, std::move(done)); });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), "MalformedResponse");
}

TEST_F(EcrClientTest, LifecyclePolicyAndDeleteRepository) {
  const std::string policy = R"({"rules":[{"rulePriority":1}]})";
  RespondJson(
      json{{"registryId", "1"}, {"repositoryName", "shop"}, {"lifecyclePolicyText", policy}});
  auto put = Call<EcrLifecyclePolicy>(
      [&](auto done) { ecr_.PutLifecyclePolicy("shop", policy, std::move(done)); });
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->policy_text, policy);
  EXPECT_EQ(put->repository_name, "shop");
  EXPECT_EQ(Body(0), (json{{"repositoryName", "shop"}, {"lifecyclePolicyText", policy}}));

  Respond(std::string(R"({"repository": )") + kRepository + "}");
  auto deleted =
      Call<EcrRepository>([&](auto done) { ecr_.DeleteRepository("shop", true, std::move(done)); });
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(deleted->name, "shop");
  EXPECT_EQ(Body(1), json::parse(R"({"repositoryName": "shop", "force": true})"));
  Respond(R"({"repository": "shop"})");
  auto bad = Call<EcrRepository>(
      [&](auto done) { ecr_.DeleteRepository("shop", false, std::move(done)); });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), "MalformedResponse");
  EXPECT_EQ(Body(2), json::parse(R"({"repositoryName": "shop"})"));
}

}  // namespace
}  // namespace wharf::aws
