// SecretsManagerClient against the local cloud (localcloud/):
// one cloud per suite.
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/aws/secrets_manager_client.h"
#include "tests/common/aws/json_local_cloud_fixture.h"

namespace wharf::aws {
namespace {

using nlohmann::json;

class SecretsManagerClientLocalCloudTest : public test::JsonLocalCloudTest {};

TEST_F(SecretsManagerClientLocalCloudTest, DescribeSecretGivesMetadataNeverTheValue) {
  auto created = Call<json>([&](auto done) {
    client_->CallJson(services::kSecretsManager, "CreateSecret",
                      {{"Name", "shop/db"},
                       {"Description", "database url"},
                       {"SecretString", "postgres://user:hunter2@db/shop"},
                       {"Tags", {{{"Key", "wharf:app"}, {"Value", "shop"}}}}},
                      std::move(done));
  });
  ASSERT_TRUE(created.ok()) << created.status().ToString();

  SecretsManagerClient secrets(*client_);
  auto by_name = Call<SecretDescription>(
      [&](auto done) { secrets.DescribeSecret("shop/db", std::move(done)); });
  ASSERT_TRUE(by_name.ok()) << by_name.status().ToString();
  EXPECT_EQ(by_name->name, "shop/db");
  EXPECT_EQ(by_name->arn, created.value()["ARN"].get<std::string>());
  EXPECT_EQ(by_name->arn.rfind("arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/db-", 0),
            0u);
  EXPECT_EQ(by_name->description, "database url");
  EXPECT_EQ(by_name->tags.at("wharf:app"), "shop");
  EXPECT_FALSE(by_name->rotation_enabled);
  EXPECT_GT(by_name->created_ms, 0);
  EXPECT_EQ(by_name->deleted_ms, 0);
  ASSERT_EQ(by_name->version_ids_to_stages.size(), 1u);
  EXPECT_EQ(by_name->version_ids_to_stages.begin()->second, std::vector<std::string>{"AWSCURRENT"});

  auto by_arn = Call<SecretDescription>(
      [&](auto done) { secrets.DescribeSecret(by_name->arn, std::move(done)); });
  ASSERT_TRUE(by_arn.ok()) << by_arn.status().ToString();
  EXPECT_EQ(by_arn->name, "shop/db");

  auto missing = Call<SecretDescription>(
      [&](auto done) { secrets.DescribeSecret("shop/none", std::move(done)); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), "ResourceNotFoundException");
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_FALSE(missing.retryable());
}

}  // namespace
}  // namespace wharf::aws
