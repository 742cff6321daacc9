// PreflightHandler against the local cloud: everything in place -> SUCCEEDED
// without one mutating call; each kind of problem reported with its fix, all
// of them at once in one terminal error; no secret value in the message.
#include <string>

#include <nlohmann/json.hpp>

#include "executors/preflight_handler.h"
#include "tests/executors/app_handlers_test_fixture.h"

namespace wharf::executors {
namespace {

using nlohmann::json;

// Values that must never show up in a result.
constexpr char kSecretValue[] = "s3cr3t-value-of-the-secret";
constexpr char kParameterValue[] = "postgres://app:p4ssw0rd@db/app";

class PreflightHandlerTest : public test::AppHandlersTest {
 protected:
  // Creates repository `repository` (unless it exists) and pushes a manifest under `tag`.
  void PushImage(const std::string& repository, const std::string& tag) {
    if (AwsCli("ecr describe-repositories --repository-names " + repository + " 2>/dev/null")
            .exit_code != 0) {
      Cli("ecr create-repository --repository-name " + repository);
    }
    const json manifest = {{"schemaVersion", 2},
                           {"mediaType", "application/vnd.docker.distribution.manifest.v2+json"},
                           {"config",
                            {{"digest", "sha256:" + std::string(64, 'a')},
                             {"size", 1},
                             {"mediaType", "application/vnd.docker.container.image.v1+json"}}},
                           {"layers", json::array()}};
    Cli("ecr put-image --repository-name " + repository + " --image-tag " + tag +
        " --image-manifest '" + manifest.dump() + "'");
  }
  std::string CreateSecret(const std::string& name) {
    return Cli("secretsmanager create-secret --name " + name + " --secret-string " +
               kSecretValue)["ARN"];
  }
  std::string PutParameter(const std::string& name) {
    Cli("ssm put-parameter --type SecureString --name " + name + " --value '" + kParameterValue +
        "'");
    return Cli("ssm get-parameter --name " + name)["Parameter"]["ARN"];
  }
  std::string CreateRole(const std::string& name, const std::string& service) {
    const json trust = {{"Version", "2012-10-17"},
                        {"Statement",
                         {{{"Effect", "Allow"},
                           {"Principal", {{"Service", service}}},
                           {"Action", "sts:AssumeRole"}}}}};
    return Cli("iam create-role --role-name " + name + " --assume-role-policy-document '" +
               trust.dump() + "'")["Role"]["Arn"];
  }
  void CreateTargetGroup(const std::string& name, int port) {
    const std::string vpc =
        Cli("ec2 describe-vpcs --filters Name=isDefault,Values=true")["Vpcs"][0]["VpcId"];
    Cli("elbv2 create-target-group --name " + name + " --protocol HTTP --target-type ip --port " +
        std::to_string(port) + " --vpc-id " + vpc);
  }

  static v1::Resource Preflight(const json& properties) {
    return MakeResource(v1::PREFLIGHT, "shop-preflight", properties, /*tagged=*/false);
  }

  // Runs CREATE, expects PreflightFailed; returns the message.
  std::string FailureOf(const v1::Resource& preflight) {
    auto result = Run(v1::CREATE, preflight);
    EXPECT_EQ(result.outcome(), v1::FAILED_TERMINAL) << result.DebugString();
    EXPECT_EQ(result.error().code(), "PreflightFailed") << result.DebugString();
    EXPECT_EQ(result.error().message().find(kSecretValue), std::string::npos);
    EXPECT_EQ(result.error().message().find(kParameterValue), std::string::npos);
    EXPECT_EQ(result.DebugString().find(kSecretValue), std::string::npos);
    EXPECT_EQ(result.DebugString().find(kParameterValue), std::string::npos);
    return result.error().message();
  }
};

TEST_F(PreflightHandlerTest, AllInPlaceSucceedsWithoutAMutatingCall) {
  PushImage("shop", "1.4.2");
  const std::string secret = CreateSecret("shop/secret-key");
  const std::string parameter = PutParameter("/shop/database-url");
  const std::string role = CreateRole("shop-task", "ecs-tasks.amazonaws.com");
  CreateTargetGroup("shop", 8000);
  ZeroCounters();

  // "shop-blue" does not exist yet: fine, Wharf creates it.
  auto preflight = Preflight({{"image", {{"repository", "shop"}, {"tag", "1.4.2"}}},
                              {"secret_arns", {parameter, secret}},
                              {"role_arns", {role}},
                              {"target_groups", {"shop:8000", "shop-blue:8000"}}});
  for (v1::ActionVerb verb : {v1::CREATE, v1::UPDATE}) {
    auto result = Run(verb, preflight);
    ASSERT_EQ(result.outcome(), v1::SUCCEEDED) << result.DebugString();
    EXPECT_FALSE(result.mutated());
    EXPECT_EQ(result.observed().id(), "ok");
    EXPECT_EQ(result.observed().ref().kind(), v1::PREFLIGHT);
    EXPECT_TRUE(result.observed().outputs().empty());
    EXPECT_EQ(result.DebugString().find(kParameterValue), std::string::npos);
  }
  EXPECT_EQ(MutatingCalls(), 0);
}

TEST_F(PreflightHandlerTest, ImageByDigestAndExternalImage) {
  PushImage("shop", "1.4.2");
  const std::string digest =
      Cli("ecr describe-images --repository-name shop")["imageDetails"][0]["imageDigest"];
  auto result =
      Run(v1::CREATE, Preflight({{"image", {{"repository", "shop"}, {"digest", digest}}}}));
  EXPECT_EQ(result.outcome(), v1::SUCCEEDED) << result.DebugString();
  // External image: no image properties, nothing to check.
  result = Run(v1::CREATE, Preflight(json::object()));
  EXPECT_EQ(result.outcome(), v1::SUCCEEDED) << result.DebugString();
  EXPECT_EQ(result.observed().id(), "ok");
}

TEST_F(PreflightHandlerTest, MissingImageInAnExistingRepository) {
  PushImage("shop", "1.4.1");
  const std::string message =
      FailureOf(Preflight({{"image", {{"repository", "shop"}, {"tag", "1.4.2"}}}}));
  EXPECT_NE(message.find("image shop:1.4.2 is not in ECR repository shop: push it (or set "
                         "image.external: true)"),
            std::string::npos)
      << message;
}

TEST_F(PreflightHandlerTest, MissingRepository) {
  const std::string message =
      FailureOf(Preflight({{"image", {{"repository", "shop"}, {"tag", "1.4.2"}}}}));
  EXPECT_NE(message.find("image shop:1.4.2"), std::string::npos) << message;
  EXPECT_NE(message.find("create the repository and push the image first"), std::string::npos)
      << message;
}

TEST_F(PreflightHandlerTest, MissingSecretsAndParameters) {
  const std::string secret =
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/secret-key-AbCdEf";
  const std::string parameter = "arn:aws:ssm:us-east-1:123456789012:parameter/shop/database-url";
  const std::string message = FailureOf(Preflight({{"secret_arns", {parameter, secret}}}));
  EXPECT_NE(message.find("secret " + secret +
                         " does not exist or is not readable: create it or "
                         "fix the ARN in container.secrets"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("SSM parameter " + parameter + " does not exist or is not readable"),
            std::string::npos)
      << message;
}

TEST_F(PreflightHandlerTest, RoleWithoutEcsTasksTrustAndMissingRole) {
  const std::string lambda_role = CreateRole("shop-task", "lambda.amazonaws.com");
  const std::string missing = "arn:aws:iam::123456789012:role/shop-missing";
  const std::string message = FailureOf(Preflight({{"role_arns", {lambda_role, missing}}}));
  EXPECT_NE(message.find("role " + lambda_role + " does not trust ecs-tasks.amazonaws.com: "),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("role " + missing + " does not exist: "), std::string::npos) << message;
}

TEST_F(PreflightHandlerTest, TargetGroupWithAnotherPort) {
  CreateTargetGroup("shop", 8080);
  const std::string message = FailureOf(Preflight({{"target_groups", {"shop:8000"}}}));
  EXPECT_NE(message.find("target group shop exists with port 8080 but container.port is 8000: "),
            std::string::npos)
      << message;
}

TEST_F(PreflightHandlerTest, EveryProblemAtOnceInOneMessageWithoutSecretValues) {
  PushImage("shop", "1.4.1");
  const std::string good_secret = CreateSecret("shop/secret-key");
  const std::string good_parameter = PutParameter("/shop/database-url");
  const std::string missing_secret =
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/api-token-GhIjKl";
  const std::string lambda_role = CreateRole("shop-task", "lambda.amazonaws.com");
  CreateTargetGroup("shop", 8080);
  ZeroCounters();

  const std::string message =
      FailureOf(Preflight({{"image", {{"repository", "shop"}, {"tag", "1.4.2"}}},
                           {"secret_arns", {good_parameter, good_secret, missing_secret}},
                           {"role_arns", {lambda_role}},
                           {"target_groups", {"shop:8000"}}}));
  EXPECT_NE(message.find("image shop:1.4.2 is not in ECR repository shop"), std::string::npos)
      << message;
  EXPECT_NE(message.find("secret " + missing_secret + " does not exist"), std::string::npos)
      << message;
  EXPECT_EQ(message.find(good_secret), std::string::npos) << message;
  EXPECT_EQ(message.find(good_parameter), std::string::npos) << message;
  EXPECT_NE(message.find("does not trust ecs-tasks.amazonaws.com"), std::string::npos) << message;
  EXPECT_NE(message.find("target group shop exists with port 8080"), std::string::npos) << message;
  EXPECT_EQ(MutatingCalls(), 0);
}

TEST(PreflightTrustTest, TrustsServiceReadsTheStatementsThatAllowAssumeRole) {
  const std::string svc = "ecs-tasks.amazonaws.com";
  EXPECT_TRUE(PreflightHandler::TrustsService(
      R"({"Statement": {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
          "Action": "sts:AssumeRole"}})",
      svc));
  EXPECT_TRUE(PreflightHandler::TrustsService(
      R"({"Statement": [{"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com",
          "ecs-tasks.amazonaws.com"]}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]})",
      svc));
  EXPECT_FALSE(PreflightHandler::TrustsService(
      R"({"Statement": [{"Effect": "Deny", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
          "Action": "sts:AssumeRole"}]})",
      svc));
  EXPECT_FALSE(PreflightHandler::TrustsService(
      R"({"Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
          "Action": "sts:AssumeRoleWithWebIdentity"}]})",
      svc));
  EXPECT_FALSE(PreflightHandler::TrustsService("not json", svc));
  EXPECT_FALSE(PreflightHandler::TrustsService(R"({"Statement": []})", svc));
}

}  // namespace
}  // namespace wharf::executors
