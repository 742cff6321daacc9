// IamClient's request encoding and response parsing, against canned XML.
#include "common/aws/iam_client.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/common/aws/query_client_test_fixture.h"

namespace wharf::aws {
namespace {

using test::QueryClientTest;

std::string IamResponse(const std::string& operation, const std::string& result) {
  return "<" + operation + "Response xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><" +
         operation + "Result>" + result + "</" + operation +
         "Result><ResponseMetadata><RequestId>iam-req</RequestId></ResponseMetadata></" +
         operation + "Response>";
}

class IamClientTest : public QueryClientTest {
 protected:
  IamClient iam_{*client_};
};

constexpr char kTrust[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
    R"("Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]})";

TEST_F(IamClientTest, CreateRoleEncodesAndDecodesThePolicyDocument) {
  IamCreateRoleRequest request{.name = "web-task",
                               .assume_role_policy_document = kTrust,
                               .description = "task role",
                               .max_session_duration = 7200};
  request.tags = {{"app", "shop"}};
  EXPECT_EQ(IamClient::CreateRoleParams(request), (QueryParams{{"RoleName", "web-task"},
                                                               {"AssumeRolePolicyDocument", kTrust},
                                                               {"Description", "task role"},
                                                               {"MaxSessionDuration", "7200"},
                                                               {"Tags.member.1.Key", "app"},
                                                               {"Tags.member.1.Value", "shop"}}));

  // IAM returns the document URL-encoded (RFC 3986).
  Respond(IamResponse("CreateRole",
                      "<Role><Path>/</Path><RoleName>web-task</RoleName><RoleId>AROA1</RoleId>"
                      "<Arn>arn:aws:iam::123456789012:role/web-task</Arn>"
                      "<CreateDate>2026-01-01T00:00:00Z</CreateDate>"
                      "<AssumeRolePolicyDocument>%7B%22Version%22%3A%20%222012-10-17%22%2C%20"
                      "%22Statement%22%3A%20%5B%5D%7D</AssumeRolePolicyDocument>"
                      "<MaxSessionDuration>7200</MaxSessionDuration>"
                      "<Tags><member><Key>app</Key><Value>shop</Value></member></Tags>"
                      "<RoleLastUsed/></Role>"));
  auto role = Call<IamRole>([&](auto done) { iam_.CreateRole(request, done); });
  ASSERT_TRUE(role.ok()) << role.status().ToString();
  EXPECT_EQ(role->name, "web-task");
  EXPECT_EQ(role->arn, "arn:aws:iam::123456789012:role/web-task");
  EXPECT_EQ(role->assume_role_policy_document, R"({"Version": "2012-10-17", "Statement": []})");
  EXPECT_EQ(role->max_session_duration, 7200);
  EXPECT_EQ(role->description, "");
  EXPECT_EQ(role->tags.at("app"), "shop");
  // Global: one endpoint, signed for us-east-1 though the client is in eu-west-1.
  auto requests = transport_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].Url(), "https://iam.amazonaws.com/");
  EXPECT_NE(requests[0].FindHeader("Authorization")->find("/us-east-1/iam/aws4_request"),
            std::string::npos);
}

TEST_F(IamClientTest, GetRoleWithoutARoleIsMalformedAndErrorsAreTyped) {
  Respond(IamResponse("GetRole", ""));
  auto role = Call<IamRole>([&](auto done) { iam_.GetRole("web-task", done); });
  ASSERT_FALSE(role.ok());
  EXPECT_EQ(role.error().code(), "MalformedResponse");
  EXPECT_EQ(role.error().request_id(), "iam-req");

  Respond(R"(<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error>
<Type>Sender</Type><Code>NoSuchEntity</Code><Message>Role web-task not found</Message></Error>
<RequestId>iam-404</RequestId></ErrorResponse>)",
          404);
  auto missing = Call<IamRole>([&](auto done) { iam_.GetRole("web-task", done); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), "NoSuchEntity");
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(SentArguments(1), (QueryParams{{"RoleName", "web-task"}}));
}

TEST_F(IamClientTest, ListAttachedRolePoliciesFollowsMarkerWhileTruncated) {
  Respond(IamResponse("ListAttachedRolePolicies",
                      "<AttachedPolicies><member><PolicyName>A</PolicyName>"
                      "<PolicyArn>arn:a</PolicyArn></member></AttachedPolicies>"
                      "<IsTruncated>true</IsTruncated><Marker>m1</Marker>"));
  Respond(IamResponse("ListAttachedRolePolicies",
                      "<AttachedPolicies><member><PolicyName>B</PolicyName>"
                      "<PolicyArn>arn:b</PolicyArn></member></AttachedPolicies>"
                      "<IsTruncated>false</IsTruncated><Marker>ignored</Marker>"));
  auto policies = Call<std::vector<IamAttachedPolicy>>(
      [&](auto done) { iam_.ListAttachedRolePolicies("web-task", 1, done); });
  ASSERT_TRUE(policies.ok()) << policies.status().ToString();
  ASSERT_EQ(policies->size(), 2u);
  EXPECT_EQ(policies.value()[0].name, "A");
  EXPECT_EQ(policies.value()[1].arn, "arn:b");
  ASSERT_EQ(transport_.request_count(), 2u);
  EXPECT_EQ(SentArguments(1),
            (QueryParams{{"RoleName", "web-task"}, {"MaxItems", "1"}, {"Marker", "m1"}}));

  // Truncated without a marker cannot be followed.
  Respond(IamResponse("ListAttachedRolePolicies",
                      "<AttachedPolicies/><IsTruncated>true</IsTruncated>"));
  auto broken = Call<std::vector<IamAttachedPolicy>>(
      [&](auto done) { iam_.ListAttachedRolePolicies("web-task", 0, done); });
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().code(), "MalformedResponse");

  // No policies: an empty list, IsTruncated absent.
  Respond(IamResponse("ListAttachedRolePolicies", "<AttachedPolicies/>"));
  auto none = Call<std::vector<IamAttachedPolicy>>(
      [&](auto done) { iam_.ListAttachedRolePolicies("web-task", 0, done); });
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
}

TEST_F(IamClientTest, AttachDetachAndDeleteHaveNoOutput) {
  // IAM sends no <...Result> element for these.
  for (const char* operation : {"AttachRolePolicy", "DetachRolePolicy", "DeleteRole"}) {
    Respond(std::string("<") + operation + "Response><ResponseMetadata><RequestId>r" +
            "</RequestId></ResponseMetadata></" + operation + "Response>");
  }
  EXPECT_TRUE(Call<bool>([&](auto done) { iam_.AttachRolePolicy("r", "arn:p", done); }).ok());
  EXPECT_TRUE(Call<bool>([&](auto done) { iam_.DetachRolePolicy("r", "arn:p", done); }).ok());
  EXPECT_TRUE(Call<bool>([&](auto done) { iam_.DeleteRole("r", done); }).ok());
  EXPECT_EQ(Sent(0), (QueryParams{{"Action", "AttachRolePolicy"},
                                  {"Version", "2010-05-08"},
                                  {"RoleName", "r"},
                                  {"PolicyArn", "arn:p"}}));
  EXPECT_EQ(SentAction(1), "DetachRolePolicy");
  EXPECT_EQ(SentAction(2), "DeleteRole");
}

}  // namespace
}  // namespace wharf::aws
