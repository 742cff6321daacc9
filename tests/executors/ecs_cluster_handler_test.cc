// EcsClusterHandler against the local cloud (localcloud/): CREATE is idempotent
// (a second run adopts), UPDATE tags, DELETE removes; checked with the AWS
// CLI, not with Wharf.
#include "executors/ecs_cluster_handler.h"

#include <gtest/gtest.h>

#include <optional>

#include <nlohmann/json.hpp>

#include "common/aws/aws_client.h"
#include "common/aws/chain_credentials_provider.h"
#include "common/aws/curl_http_transport.h"
#include "common/base/clock.h"
#include "tests/support/local_cloud_server.h"
#include "tests/support/run_command.h"
#include "tests/support/run_until.h"

namespace wharf::executors {
namespace {

class EcsClusterHandlerTest : public testing::Test {
 protected:
  void SetUp() override {
    Status started = cloud_.Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    env_ = aws::Environment::FromMap(
        {{"AWS_ACCESS_KEY_ID", "test"}, {"AWS_SECRET_ACCESS_KEY", "test"}});
    credentials_ = aws::ChainCredentialsProvider::Default(env_);
    aws::AwsClient::Options options;
    options.region = "us-east-1";
    client_ = std::make_unique<aws::AwsClient>(io_, transport_, *credentials_,
                                               aws::EndpointResolver(env_, cloud_.endpoint()),
                                               clock_, options);
    ecs_ = std::make_unique<aws::EcsClient>(*client_);
    handler_ = std::make_unique<EcsClusterHandler>(*ecs_);
  }

  v1::ActionResult Run(v1::ActionVerb verb, std::map<std::string, std::string> tags) {
    v1::Action action;
    action.set_app("shop");
    action.set_verb(verb);
    action.mutable_resource()->mutable_ref()->set_kind(v1::ECS_CLUSTER);
    action.mutable_resource()->mutable_ref()->set_name("shop");
    for (const auto& [k, v] : tags) (*action.mutable_resource()->mutable_tags())[k] = v;
    std::optional<v1::ActionResult> result;
    handler_->Handle(action, [&](v1::ActionResult r) { result = r; });
    EXPECT_TRUE(test_support::RunUntil(io_, [&] { return result.has_value(); }));
    return result.value_or(v1::ActionResult());
  }

  nlohmann::json Cli(const std::string& args) {
    auto r = test_support::RunCommand(
        "AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 aws "
        "--endpoint-url " +
        cloud_.endpoint() + " --output json " + args);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return nlohmann::json::parse(r.output, nullptr, false);
  }

  test_support::LocalCloudServer cloud_;
  asio::io_context io_;
  SystemClock clock_;
  aws::Environment env_ = aws::Environment::FromMap({});
  aws::CurlHttpTransport transport_{io_};
  std::unique_ptr<aws::ChainCredentialsProvider> credentials_;
  std::unique_ptr<aws::AwsClient> client_;
  std::unique_ptr<aws::EcsClient> ecs_;
  std::unique_ptr<EcsClusterHandler> handler_;
};

TEST_F(EcsClusterHandlerTest, CreateTwiceMakesOneClusterAndAdoptsTheSecondTime) {
  auto first = Run(v1::CREATE, {{"wharf:app", "shop"}});
  ASSERT_EQ(first.outcome(), v1::SUCCEEDED) << first.error().message();
  EXPECT_TRUE(first.mutated());
  EXPECT_EQ(first.observed().id(), "arn:aws:ecs:us-east-1:123456789012:cluster/shop");
  EXPECT_EQ(first.observed().outputs().at("arn"), first.observed().id());

  auto second = Run(v1::CREATE, {{"wharf:app", "shop"}});
  ASSERT_EQ(second.outcome(), v1::SUCCEEDED);
  EXPECT_FALSE(second.mutated());
  EXPECT_EQ(second.observed().id(), first.observed().id());
  EXPECT_EQ(second.observed().tags().at("wharf:app"), "shop");

  auto listed = Cli("ecs list-clusters");
  EXPECT_EQ(listed["clusterArns"].size(), 1u);
}

TEST_F(EcsClusterHandlerTest, UpdatePutsTheDesiredTagsAndDeleteRemovesTheCluster) {
  ASSERT_EQ(Run(v1::CREATE, {{"wharf:app", "shop"}}).outcome(), v1::SUCCEEDED);
  auto updated = Run(v1::UPDATE, {{"wharf:app", "shop"}, {"team", "payments"}});
  ASSERT_EQ(updated.outcome(), v1::SUCCEEDED) << updated.error().message();
  auto described = Cli("ecs describe-clusters --clusters shop --include TAGS");
  bool tagged = false;
  for (const auto& tag : described["clusters"][0]["tags"]) {
    tagged |= tag["key"] == "team" && tag["value"] == "payments";
  }
  EXPECT_TRUE(tagged) << described.dump();

  auto deleted = Run(v1::DELETE, {});
  ASSERT_EQ(deleted.outcome(), v1::SUCCEEDED) << deleted.error().message();
  auto after = Cli("ecs describe-clusters --clusters shop");
  bool active = !after["clusters"].empty() && after["clusters"][0]["status"] == "ACTIVE";
  EXPECT_FALSE(active) << after.dump();
}

}  // namespace
}  // namespace wharf::executors
