// SecretsManagerClient on canned JSON.
#include "common/aws/secrets_manager_client.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/common/aws/json_client_test_fixture.h"

namespace wharf::aws {
namespace {

using nlohmann::json;

class SecretsManagerClientTest : public test::JsonClientTest {
 protected:
  SecretsManagerClient secrets_{*client_};
};

TEST_F(SecretsManagerClientTest, DescribeSecretParsesMetadata) {
  Respond(R"({"ARN": "arn:aws:secretsmanager:eu-west-1:1:secret:shop/db-AbCdEf",
      "Name": "shop/db", "Description": "db url", "KmsKeyId": "arn:kms",
      "RotationEnabled": true, "CreatedDate": 1700000000, "LastChangedDate": 1700000100.5,
      "LastAccessedDate": null, "DeletedDate": null, "PrimaryRegion": "eu-west-1",
      "Tags": [{"Key": "wharf:app", "Value": "shop"}],
      "VersionIdsToStages": {"v1": ["AWSPREVIOUS"], "v2": ["AWSCURRENT", "AWSPENDING"]}})");
  auto got = Call<SecretDescription>(
      [&](auto done) { secrets_.DescribeSecret("shop/db", std::move(done)); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(Target(0), "secretsmanager.DescribeSecret");
  EXPECT_EQ(Body(0), json::parse(R"({"SecretId": "shop/db"})"));
  EXPECT_EQ(got->arn, "arn:aws:secretsmanager:eu-west-1:1:secret:shop/db-AbCdEf");
  EXPECT_EQ(got->name, "shop/db");
  EXPECT_EQ(got->description, "db url");
  EXPECT_EQ(got->kms_key_id, "arn:kms");
  EXPECT_TRUE(got->rotation_enabled);
  EXPECT_EQ(got->created_ms, 1700000000000);
  EXPECT_EQ(got->last_changed_ms, 1700000100500);
  EXPECT_EQ(got->last_accessed_ms, 0);
  EXPECT_EQ(got->deleted_ms, 0);
  EXPECT_EQ(got->primary_region, "eu-west-1");
  EXPECT_EQ(got->tags.at("wharf:app"), "shop");
  EXPECT_EQ(got->version_ids_to_stages.at("v2"),
            (std::vector<std::string>{"AWSCURRENT", "AWSPENDING"}));

  for (const char* body :
       {R"({"VersionIdsToStages": {"v1": "AWSCURRENT"}})", R"({"VersionIdsToStages": {"v1": [1]}})",
        R"({"RotationEnabled": 1})", R"({"Tags": {"a": "b"}})"}) {
    SCOPED_TRACE(body);
    Respond(body);
    auto bad = Call<SecretDescription>(
        [&](auto done) { secrets_.DescribeSecret("shop/db", std::move(done)); });
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code(), "MalformedResponse");
  }

  Respond(R"({"__type": "ResourceNotFoundException",
      "message": "Secrets Manager can't find the specified secret."})",
          400);
  auto missing =
      Call<SecretDescription>([&](auto done) { secrets_.DescribeSecret("nope", std::move(done)); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), "ResourceNotFoundException");
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace wharf::aws
