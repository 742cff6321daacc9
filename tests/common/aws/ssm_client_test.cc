// SsmClient on canned JSON, and SensitiveString's guarantees.
#include "common/aws/ssm_client.h"

#include <ostream>
#include <string>
#include <type_traits>
#include <utility>

#include <gtest/gtest.h>

#include "tests/common/aws/json_client_test_fixture.h"

namespace wharf::aws {
namespace {

using nlohmann::json;

class SsmClientTest : public test::JsonClientTest {
 protected:
  SsmClient ssm_{*client_};
};

// SensitiveString cannot be streamed or converted: these are compile-time
// properties, checked here.
template <typename T, typename = void>
struct Streamable : std::false_type {};
template <typename T>
struct Streamable<T, std::void_t<decltype(std::declval<std::ostream&>() << std::declval<T>())>>
    : std::true_type {};
static_assert(!Streamable<const SensitiveString&>::value);
static_assert(!Streamable<const SsmParameter&>::value);
static_assert(!std::is_convertible_v<SensitiveString, std::string>);
static_assert(!std::is_convertible_v<std::string, SensitiveString>);

TEST_F(SsmClientTest, GetParameterKeepsTheValueSensitive) {
  Respond(R"({"Parameter": {"Name": "/shop/db", "Type": "SecureString", "Value": "hunter2",
      "Version": 3, "LastModifiedDate": 1700000000.25,
      "ARN": "arn:aws:ssm:eu-west-1:1:parameter/shop/db", "DataType": "text"}})");
  auto got =
      Call<SsmParameter>([&](auto done) { ssm_.GetParameter("/shop/db", true, std::move(done)); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(Target(0), "AmazonSSM.GetParameter");
  EXPECT_EQ(Body(0), json::parse(R"({"Name": "/shop/db", "WithDecryption": true})"));
  EXPECT_EQ(got->name, "/shop/db");
  EXPECT_EQ(got->type, "SecureString");
  EXPECT_EQ(got->value.Reveal(), "hunter2");
  EXPECT_EQ(got->value.size(), 7u);
  EXPECT_EQ(got->version, 3);
  EXPECT_EQ(got->arn, "arn:aws:ssm:eu-west-1:1:parameter/shop/db");
  EXPECT_EQ(got->data_type, "text");
  EXPECT_EQ(got->last_modified_ms, 1700000000250);

  // Moving leaves nothing behind in the source.
  SensitiveString moved = std::move(got.value().value);
  EXPECT_EQ(moved.Reveal(), "hunter2");
  EXPECT_TRUE(got->value.empty());  // NOLINT(bugprone-use-after-move)

  // A malformed answer's error names the field, never the value.
  Respond(R"({"Parameter": {"Name": "/shop/db", "Value": "hunter2", "Version": "3"}})");
  auto bad =
      Call<SsmParameter>([&](auto done) { ssm_.GetParameter("/shop/db", false, std::move(done)); });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), "MalformedResponse");
  EXPECT_EQ(bad.error().message().find("hunter2"), std::string::npos);
  EXPECT_EQ(bad.status().ToString().find("hunter2"), std::string::npos);
  EXPECT_EQ(Body(1), json::parse(R"({"Name": "/shop/db", "WithDecryption": false})"));

  Respond(R"({"__type": "ParameterNotFound", "message": "Parameter /shop/none not found."})", 400);
  auto missing = Call<SsmParameter>(
      [&](auto done) { ssm_.GetParameter("/shop/none", true, std::move(done)); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), "ParameterNotFound");
  EXPECT_FALSE(missing.retryable());
}

}  // namespace
}  // namespace wharf::aws
