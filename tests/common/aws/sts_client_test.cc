// StsClient's response parsing, against canned XML.
#include "common/aws/sts_client.h"

#include <gtest/gtest.h>

#include "tests/common/aws/query_client_test_fixture.h"

namespace wharf::aws {
namespace {

using test::QueryClientTest;

class StsClientTest : public QueryClientTest {
 protected:
  Outcome<CallerIdentity> GetCallerIdentity() {
    return Call<CallerIdentity>([&](auto done) { sts_.GetCallerIdentity(done); });
  }

  StsClient sts_{*client_};
};

TEST_F(StsClientTest, ParsesTheIdentity) {
  Respond(R"(<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/deployer</Arn>
  <UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult>
  <ResponseMetadata><RequestId>sts-req</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>)");
  auto identity = GetCallerIdentity();
  ASSERT_TRUE(identity.ok()) << identity.status().ToString();
  EXPECT_EQ(identity->account, "123456789012");
  EXPECT_EQ(identity->arn, "arn:aws:iam::123456789012:user/deployer");
  EXPECT_EQ(identity->user_id, "AIDAEXAMPLE");
  EXPECT_EQ(Sent(), (QueryParams{{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}}));
}

TEST_F(StsClientTest, NoAccountIsMalformed) {
  Respond(
      "<GetCallerIdentityResponse><GetCallerIdentityResult/><ResponseMetadata>"
      "<RequestId>sts-req</RequestId></ResponseMetadata></GetCallerIdentityResponse>");
  auto identity = GetCallerIdentity();
  ASSERT_FALSE(identity.ok());
  EXPECT_EQ(identity.error().code(), "MalformedResponse");
  EXPECT_EQ(identity.error().request_id(), "sts-req");
  EXPECT_EQ(identity.error().service(), "sts");
}

}  // namespace
}  // namespace wharf::aws
