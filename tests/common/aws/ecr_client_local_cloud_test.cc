// EcrClient against the local cloud (localcloud/): one cloud per suite.
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/aws/ecr_client.h"
#include "tests/common/aws/json_local_cloud_fixture.h"

namespace wharf::aws {
namespace {

using nlohmann::json;

class EcrClientLocalCloudTest : public test::JsonLocalCloudTest {
 protected:
  void SetUp() override {
    test::JsonLocalCloudTest::SetUp();
    if (HasFatalFailure()) return;
    ecr_ = std::make_unique<EcrClient>(*client_);
  }
  void TearDown() override {
    ecr_.reset();
    test::JsonLocalCloudTest::TearDown();
  }

  // Pushes a manifest under `tag` (ECR's PutImage, which Wharf never calls:
  // images come from CI); returns the image digest.
  std::string PushImage(const std::string& repository, const std::string& tag) {
    const json manifest = {{"schemaVersion", 2},
                           {"mediaType", "application/vnd.docker.distribution.manifest.v2+json"},
                           {"config",
                            {{"digest", "sha256:" + std::string(64, 'a')},
                             {"size", 1},
                             {"mediaType", "application/vnd.docker.container.image.v1+json"}}},
                           {"layers", json::array()}};
    auto put = Call<json>([&](auto done) {
      client_->CallJson(
          services::kEcr, "PutImage",
          {{"repositoryName", repository}, {"imageTag", tag}, {"imageManifest", manifest.dump()}},
          std::move(done));
    });
    EXPECT_TRUE(put.ok()) << put.status().ToString();
    return put.ok() ? put.value()["image"]["imageId"]["imageDigest"].get<std::string>() : "";
  }

  std::unique_ptr<EcrClient> ecr_;
};

TEST_F(EcrClientLocalCloudTest, RepositoryCreateDescribePolicyAndDelete) {
  EcrCreateRepositoryRequest request;
  request.name = "shop";
  request.tags = {{"wharf:app", "shop"}};
  request.image_tag_mutability = "IMMUTABLE";
  request.scan_on_push = true;
  auto created =
      Call<EcrRepository>([&](auto done) { ecr_->CreateRepository(request, std::move(done)); });
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->arn, "arn:aws:ecr:us-east-1:123456789012:repository/shop");
  EXPECT_EQ(created->registry_id, "123456789012");
  EXPECT_EQ(created->uri, "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop");
  EXPECT_EQ(created->image_tag_mutability, "IMMUTABLE");
  EXPECT_TRUE(created->scan_on_push);
  EXPECT_EQ(created->encryption_type, "AES256");
  EXPECT_GT(created->created_at_ms, 0);

  auto duplicate =
      Call<EcrRepository>([&](auto done) { ecr_->CreateRepository(request, std::move(done)); });
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code(), "RepositoryAlreadyExistsException");
  EXPECT_EQ(duplicate.status().code(), Status::Code::kAlreadyExists);

  EcrCreateRepositoryRequest other;
  other.name = "worker";
  ASSERT_TRUE(
      Call<EcrRepository>([&](auto done) { ecr_->CreateRepository(other, std::move(done)); }).ok());
  auto one = Call<std::vector<EcrRepository>>(
      [&](auto done) { ecr_->DescribeRepositories({"shop"}, std::move(done)); });
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ(one.value()[0].arn, created->arn);
  EXPECT_EQ(one.value()[0].uri, created->uri);
  EXPECT_EQ(one.value()[0].created_at_ms, created->created_at_ms);
  EXPECT_TRUE(one.value()[0].scan_on_push);
  auto all = Call<std::vector<EcrRepository>>(
      [&](auto done) { ecr_->DescribeRepositories({}, std::move(done)); });
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->size(), 2u);

  const std::string policy =
      json{{"rules",
            {{{"rulePriority", 1},
              {"description", "keep 30 images"},
              {"selection",
               {{"tagStatus", "any"}, {"countType", "imageCountMoreThan"}, {"countNumber", 30}}},
              {"action", {{"type", "expire"}}}}}}}
          .dump();
  auto put = Call<EcrLifecyclePolicy>(
      [&](auto done) { ecr_->PutLifecyclePolicy("shop", policy, std::move(done)); });
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->repository_name, "shop");
  EXPECT_EQ(put->registry_id, "123456789012");
  EXPECT_EQ(json::parse(put->policy_text), json::parse(policy));

  // Deleting a repository with images needs force.
  PushImage("shop", "v1");
  auto refused = Call<EcrRepository>(
      [&](auto done) { ecr_->DeleteRepository("shop", false, std::move(done)); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), "RepositoryNotEmptyException");
  auto deleted = Call<EcrRepository>(
      [&](auto done) { ecr_->DeleteRepository("shop", true, std::move(done)); });
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(deleted->arn, created->arn);

  auto gone = Call<std::vector<EcrRepository>>(
      [&](auto done) { ecr_->DescribeRepositories({"shop"}, std::move(done)); });
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code(), "RepositoryNotFoundException");
  EXPECT_EQ(gone.error().http_status(), 400);
  EXPECT_EQ(gone.status().code(), Status::Code::kNotFound);
  EXPECT_FALSE(gone.retryable());
  auto delete_again = Call<EcrRepository>(
      [&](auto done) { ecr_->DeleteRepository("shop", true, std::move(done)); });
  ASSERT_FALSE(delete_again.ok());
  EXPECT_EQ(delete_again.error().code(), "RepositoryNotFoundException");
}

TEST_F(EcrClientLocalCloudTest, DescribeImagesByTagAndDigest) {
  EcrCreateRepositoryRequest request;
  request.name = "shop";
  ASSERT_TRUE(Call<EcrRepository>([&](auto done) {
                ecr_->CreateRepository(request, std::move(done));
              }).ok());

  auto none = Call<std::vector<EcrImage>>(
      [&](auto done) { ecr_->DescribeImages("shop", {}, std::move(done)); });
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
  auto missing = Call<std::vector<EcrImage>>([&](auto done) {
    ecr_->DescribeImages("shop", {EcrImageId{"v1", ""}}, std::move(done));
  });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), "ImageNotFoundException");
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);

  const std::string digest = PushImage("shop", "v1");
  ASSERT_EQ(digest.rfind("sha256:", 0), 0u) << digest;
  auto by_tag = Call<std::vector<EcrImage>>([&](auto done) {
    ecr_->DescribeImages("shop", {EcrImageId{"v1", ""}}, std::move(done));
  });
  ASSERT_TRUE(by_tag.ok()) << by_tag.status().ToString();
  ASSERT_EQ(by_tag->size(), 1u);
  EXPECT_EQ(by_tag.value()[0].digest, digest);
  EXPECT_EQ(by_tag.value()[0].tags, std::vector<std::string>{"v1"});
  EXPECT_EQ(by_tag.value()[0].repository_name, "shop");
  EXPECT_GT(by_tag.value()[0].pushed_at_ms, 0);
  EXPECT_FALSE(by_tag.value()[0].manifest_media_type.empty());

  auto by_digest = Call<std::vector<EcrImage>>([&](auto done) {
    ecr_->DescribeImages("shop", {EcrImageId{"", digest}}, std::move(done));
  });
  ASSERT_TRUE(by_digest.ok()) << by_digest.status().ToString();
  ASSERT_EQ(by_digest->size(), 1u);
  EXPECT_EQ(by_digest.value()[0].tags, std::vector<std::string>{"v1"});

  auto no_repository = Call<std::vector<EcrImage>>(
      [&](auto done) { ecr_->DescribeImages("nope", {}, std::move(done)); });
  ASSERT_FALSE(no_repository.ok());
  EXPECT_EQ(no_repository.error().code(), "RepositoryNotFoundException");
}

TEST_F(EcrClientLocalCloudTest, LifecyclePolicyMutabilityAndTagsReadBack) {
  auto created = Call<EcrRepository>([&](auto done) {
    ecr_->CreateRepository(EcrCreateRepositoryRequest{.name = "tagged", .tags = {{"app", "shop"}}},
                           std::move(done));
  });
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  auto none = Call<EcrLifecyclePolicy>(
      [&](auto done) { ecr_->GetLifecyclePolicy("tagged", std::move(done)); });
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), "LifecyclePolicyNotFoundException");

  const std::string policy =
      R"({"rules":[{"rulePriority":1,"selection":{"tagStatus":"any",)"
      R"("countType":"imageCountMoreThan","countNumber":5},"action":{"type":"expire"}}]})";
  ASSERT_TRUE(Call<EcrLifecyclePolicy>([&](auto done) {
                ecr_->PutLifecyclePolicy("tagged", policy, std::move(done));
              }).ok());
  auto got = Call<EcrLifecyclePolicy>(
      [&](auto done) { ecr_->GetLifecyclePolicy("tagged", std::move(done)); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(json::parse(got->policy_text), json::parse(policy));

  ASSERT_TRUE(Call<bool>([&](auto done) {
                ecr_->PutImageTagMutability("tagged", "IMMUTABLE", std::move(done));
              }).ok());
  ASSERT_TRUE(Call<bool>([&](auto done) {
                ecr_->TagResource(created->arn, {{"team", "web"}}, std::move(done));
              }).ok());
  auto tags = Call<std::map<std::string, std::string>>(
      [&](auto done) { ecr_->ListTagsForResource(created->arn, std::move(done)); });
  ASSERT_TRUE(tags.ok()) << tags.status().ToString();
  EXPECT_EQ(tags.value(), (std::map<std::string, std::string>{{"app", "shop"}, {"team", "web"}}));
  auto cli = AwsCli("ecr describe-repositories --repository-names tagged");
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  EXPECT_EQ(json::parse(cli.output)["repositories"][0]["imageTagMutability"], "IMMUTABLE");
}

}  // namespace
}  // namespace wharf::aws
