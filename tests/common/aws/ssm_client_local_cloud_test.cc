// SsmClient against the local cloud (localcloud/): one cloud per suite.
#include <string>
#include <tuple>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/aws/ssm_client.h"
#include "tests/common/aws/json_local_cloud_fixture.h"

namespace wharf::aws {
namespace {

using nlohmann::json;

class SsmClientLocalCloudTest : public test::JsonLocalCloudTest {};

TEST_F(SsmClientLocalCloudTest, GetParameterWithAndWithoutDecryption) {
  for (const auto& [name, type, value] : {std::tuple<std::string, std::string, std::string>{
                                              "/shop/api-key", "SecureString", "s3cr3t"},
                                          {"/shop/region", "String", "eu-west-1"}}) {
    auto put = Call<json>([&](auto done) {
      client_->CallJson(services::kSsm, "PutParameter",
                        {{"Name", name}, {"Type", type}, {"Value", value}}, std::move(done));
    });
    ASSERT_TRUE(put.ok()) << put.status().ToString();
  }

  SsmClient ssm(*client_);
  auto secret = Call<SsmParameter>(
      [&](auto done) { ssm.GetParameter("/shop/api-key", true, std::move(done)); });
  ASSERT_TRUE(secret.ok()) << secret.status().ToString();
  EXPECT_EQ(secret->name, "/shop/api-key");
  EXPECT_EQ(secret->type, "SecureString");
  EXPECT_EQ(secret->value.Reveal(), "s3cr3t");
  EXPECT_EQ(secret->version, 1);
  EXPECT_EQ(secret->arn, "arn:aws:ssm:us-east-1:123456789012:parameter/shop/api-key");
  EXPECT_GT(secret->last_modified_ms, 0);

  auto encrypted = Call<SsmParameter>(
      [&](auto done) { ssm.GetParameter("/shop/api-key", false, std::move(done)); });
  ASSERT_TRUE(encrypted.ok()) << encrypted.status().ToString();
  EXPECT_NE(encrypted->value.Reveal(), "s3cr3t") << "no plaintext without decryption";

  auto plain = Call<SsmParameter>(
      [&](auto done) { ssm.GetParameter("/shop/region", false, std::move(done)); });
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->type, "String");
  EXPECT_EQ(plain->value.Reveal(), "eu-west-1");

  auto missing =
      Call<SsmParameter>([&](auto done) { ssm.GetParameter("/shop/none", true, std::move(done)); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), "ParameterNotFound");
  EXPECT_EQ(missing.error().service(), "ssm");
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(missing.status().ToString().find("s3cr3t"), std::string::npos);
}

}  // namespace
}  // namespace wharf::aws
