// IamClient against the local cloud (localcloud/).
#include "common/aws/iam_client.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/common/aws/query_local_cloud_fixture.h"

namespace wharf::aws {
namespace {

constexpr char kTrust[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
    R"("Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]})";
constexpr char kExecutionPolicy[] =
    "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
constexpr char kReadOnly[] = "arn:aws:iam::aws:policy/ReadOnlyAccess";
constexpr char kCloudWatchAgent[] = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy";

class IamClientLocalCloudTest : public test::QueryLocalCloudTest {
 protected:
  void SetUp() override {
    test::QueryLocalCloudTest::SetUp();
    if (HasFatalFailure()) return;
    iam_ = std::make_unique<IamClient>(*client_);
  }

  void TearDown() override {
    iam_.reset();
    test::QueryLocalCloudTest::TearDown();
  }

  Outcome<IamRole> CreateRole(const std::string& name) {
    IamCreateRoleRequest request{.name = name,
                                 .assume_role_policy_document = kTrust,
                                 .description = "web tasks",
                                 .max_session_duration = 7200};
    request.tags = {{"app", "shop"}};
    return Call<IamRole>([&](auto done) { iam_->CreateRole(request, done); });
  }

  Outcome<std::vector<IamAttachedPolicy>> Attached(const std::string& role, int64_t page_size) {
    return Call<std::vector<IamAttachedPolicy>>(
        [&](auto done) { iam_->ListAttachedRolePolicies(role, page_size, done); });
  }

  Outcome<bool> Attach(const std::string& role, const std::string& policy) {
    return Call<bool>([&](auto done) { iam_->AttachRolePolicy(role, policy, done); });
  }

  Outcome<bool> Detach(const std::string& role, const std::string& policy) {
    return Call<bool>([&](auto done) { iam_->DetachRolePolicy(role, policy, done); });
  }

  std::unique_ptr<IamClient> iam_;
};

TEST_F(IamClientLocalCloudTest, RoleRoundTrip) {
  auto created = CreateRole("web-task");
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->arn, "arn:aws:iam::123456789012:role/web-task");
  EXPECT_EQ(created->path, "/");
  EXPECT_EQ(created->id.rfind("AROA", 0), 0u);

  auto role = Call<IamRole>([&](auto done) { iam_->GetRole("web-task", done); });
  ASSERT_TRUE(role.ok()) << role.status().ToString();
  EXPECT_EQ(role->name, "web-task");
  EXPECT_EQ(role->arn, created->arn);
  EXPECT_EQ(role->description, "web tasks");
  EXPECT_EQ(role->max_session_duration, 7200);
  EXPECT_EQ(role->tags, (std::map<std::string, std::string>{{"app", "shop"}}));
  // The trust policy comes back URL-decoded, the same JSON.
  EXPECT_EQ(nlohmann::json::parse(role->assume_role_policy_document, nullptr, false),
            nlohmann::json::parse(kTrust));

  // Three policies, listed one per page.
  for (const char* policy : {kExecutionPolicy, kReadOnly, kCloudWatchAgent}) {
    auto attached = Attach("web-task", policy);
    ASSERT_TRUE(attached.ok()) << policy << ": " << attached.status().ToString();
  }
  ASSERT_TRUE(Attach("web-task", kReadOnly).ok());  // attaching twice is fine
  const int64_t attempts_before = client_->attempts_sent();
  auto policies = Attached("web-task", 1);
  ASSERT_TRUE(policies.ok()) << policies.status().ToString();
  // One request per page at least (moto ends with an empty truncated page).
  EXPECT_GE(client_->attempts_sent() - attempts_before, 3);
  std::vector<std::string> arns;
  for (const auto& p : policies.value()) arns.push_back(p.arn);
  std::sort(arns.begin(), arns.end());
  EXPECT_EQ(arns, (std::vector<std::string>{kCloudWatchAgent, kReadOnly, kExecutionPolicy}));
  EXPECT_EQ(policies.value()[0].name, "AmazonECSTaskExecutionRolePolicy");

  // A role with policies cannot be deleted.
  auto refused = Call<bool>([&](auto done) { iam_->DeleteRole("web-task", done); });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), "DeleteConflict");
  EXPECT_EQ(refused.status().code(), Status::Code::kFailedPrecondition);

  for (const char* policy : {kExecutionPolicy, kReadOnly, kCloudWatchAgent}) {
    ASSERT_TRUE(Detach("web-task", policy).ok()) << policy;
  }
  auto none = Attached("web-task", 0);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
  auto not_attached = Detach("web-task", kReadOnly);
  ASSERT_FALSE(not_attached.ok());
  EXPECT_EQ(not_attached.error().code(), "NoSuchEntity");

  ASSERT_TRUE(Call<bool>([&](auto done) { iam_->DeleteRole("web-task", done); }).ok());
  auto gone = Call<IamRole>([&](auto done) { iam_->GetRole("web-task", done); });
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code(), "NoSuchEntity");
  EXPECT_EQ(gone.error().service(), "iam");
  EXPECT_EQ(gone.status().code(), Status::Code::kNotFound);
}

TEST_F(IamClientLocalCloudTest, DuplicateRoleAndTheAwsCliAgrees) {
  ASSERT_TRUE(CreateRole("web-task").ok());
  auto again = CreateRole("web-task");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), "EntityAlreadyExists");
  EXPECT_EQ(again.status().code(), Status::Code::kAlreadyExists);
  EXPECT_FALSE(again.error().request_id().empty());

  ASSERT_TRUE(Attach("web-task", kExecutionPolicy).ok());
  auto cli = AwsCli("iam list-attached-role-policies --role-name web-task");
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  auto parsed = nlohmann::json::parse(cli.output, nullptr, false);
  ASSERT_TRUE(parsed.is_object()) << cli.output;
  ASSERT_EQ(parsed["AttachedPolicies"].size(), 1u) << cli.output;
  EXPECT_EQ(parsed["AttachedPolicies"][0]["PolicyArn"], kExecutionPolicy);
}

TEST_F(IamClientLocalCloudTest, InlinePoliciesTrustPolicyAndTags) {
  ASSERT_TRUE(CreateRole("web-exec").ok());
  const std::string policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
      R"("Action":"secretsmanager:GetSecretValue","Resource":["arn:aws:secretsmanager:us-east-1:)"
      R"(123456789012:secret:db-AbCdEf"]}]})";
  auto put = Call<bool>(
      [&](auto done) { iam_->PutRolePolicy("web-exec", "wharf-secrets", policy, done); });
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  auto got =
      Call<std::string>([&](auto done) { iam_->GetRolePolicy("web-exec", "wharf-secrets", done); });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(nlohmann::json::parse(got.value(), nullptr, false), nlohmann::json::parse(policy));
  auto names =
      Call<std::vector<std::string>>([&](auto done) { iam_->ListRolePolicies("web-exec", done); });
  ASSERT_TRUE(names.ok()) << names.status().ToString();
  EXPECT_EQ(names.value(), (std::vector<std::string>{"wharf-secrets"}));

  auto deleted =
      Call<bool>([&](auto done) { iam_->DeleteRolePolicy("web-exec", "wharf-secrets", done); });
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  auto missing =
      Call<std::string>([&](auto done) { iam_->GetRolePolicy("web-exec", "wharf-secrets", done); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), "NoSuchEntity");

  const std::string ec2_trust =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
      R"("Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]})";
  ASSERT_TRUE(Call<bool>([&](auto done) {
                iam_->UpdateAssumeRolePolicy("web-exec", ec2_trust, done);
              }).ok());
  ASSERT_TRUE(Call<bool>([&](auto done) {
                iam_->TagRole("web-exec", {{"app", "shop2"}, {"team", "web"}}, done);
              }).ok());
  auto role = Call<IamRole>([&](auto done) { iam_->GetRole("web-exec", done); });
  ASSERT_TRUE(role.ok()) << role.status().ToString();
  EXPECT_EQ(nlohmann::json::parse(role->assume_role_policy_document, nullptr, false),
            nlohmann::json::parse(ec2_trust));
  EXPECT_EQ(role->tags, (std::map<std::string, std::string>{{"app", "shop2"}, {"team", "web"}}));
}

}  // namespace
}  // namespace wharf::aws
