// EcsClient, StsClient and AwsClient against the local cloud (localcloud/).
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/aws/aws_client.h"
#include "common/aws/curl_http_transport.h"
#include "common/aws/ecs_client.h"
#include "common/aws/env_credentials_provider.h"
#include "common/aws/sts_client.h"
#include "common/base/clock.h"
#include "tests/support/local_cloud_server.h"
#include "tests/support/run_command.h"
#include "tests/support/run_until.h"

namespace wharf::aws {
namespace {

using nlohmann::json;

constexpr char kRegion[] = "us-east-1";

class EcsClientLocalCloudTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status started = cloud_.Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    transport_ = std::make_unique<CurlHttpTransport>(io_);
    AwsClient::Options options;
    options.region = kRegion;
    client_ = std::make_unique<AwsClient>(
        io_, *transport_, credentials_,
        EndpointResolver(Environment::FromMap({}), cloud_.endpoint()), clock_, options);
    ecs_ = std::make_unique<EcsClient>(*client_);
  }

  template <typename T>
  Outcome<T> Wait(std::optional<Outcome<T>>& slot) {
    EXPECT_TRUE(test_support::RunUntil(
        io_, [&] { return slot.has_value(); }, std::chrono::seconds(30)));
    if (!slot) return ClientError(services::kEcs, "test", "Timeout", "no answer");
    return std::move(*slot);
  }

  Outcome<EcsCluster> CreateCluster(const std::string& name,
                                    const std::map<std::string, std::string>& tags = {}) {
    std::optional<Outcome<EcsCluster>> got;
    ecs_->CreateCluster(name, tags, [&](Outcome<EcsCluster> r) { got.emplace(std::move(r)); });
    return Wait(got);
  }

  // The AWS CLI, pointed at the local cloud, as an independent check.
  test_support::CommandResult AwsCli(const std::string& args) {
    return test_support::RunCommand(
        "env AWS_ACCESS_KEY_ID=AKIDMOTO AWS_SECRET_ACCESS_KEY=moto-secret "
        "AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER= "
        "aws --region " +
        std::string(kRegion) + " --endpoint-url " + cloud_.endpoint() + " --output json " + args);
  }

  test_support::LocalCloudServer cloud_;
  asio::io_context io_;
  EnvCredentialsProvider credentials_{Environment::FromMap(
      {{"AWS_ACCESS_KEY_ID", "AKIDMOTO"}, {"AWS_SECRET_ACCESS_KEY", "moto-secret"}})};
  SystemClock clock_;
  std::unique_ptr<CurlHttpTransport> transport_;
  std::unique_ptr<AwsClient> client_;
  std::unique_ptr<EcsClient> ecs_;
};

TEST_F(EcsClientLocalCloudTest, CreateThenDescribeFindsItAndTheAwsCliAgrees) {
  auto created = CreateCluster("wharf-web", {{"app", "shop"}});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->name, "wharf-web");
  EXPECT_EQ(created->status, "ACTIVE");
  EXPECT_EQ(created->arn, "arn:aws:ecs:us-east-1:123456789012:cluster/wharf-web");

  std::optional<Outcome<EcsDescribeClustersResult>> described;
  ecs_->DescribeClusters({"wharf-web", "missing"}, [&](Outcome<EcsDescribeClustersResult> r) {
    described.emplace(std::move(r));
  });
  auto result = Wait(described);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->clusters.size(), 1u);
  EXPECT_EQ(result->clusters[0].arn, created->arn);
  EXPECT_EQ(result->clusters[0].status, "ACTIVE");
  EXPECT_EQ(result->clusters[0].tags.count("app"), 1u);
  ASSERT_EQ(result->failures.size(), 1u);
  EXPECT_EQ(result->failures[0].reason, "MISSING");

  auto cli = AwsCli("ecs describe-clusters --clusters wharf-web");
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  json parsed = json::parse(cli.output, nullptr, false);
  ASSERT_TRUE(parsed.is_object()) << cli.output;
  ASSERT_EQ(parsed["clusters"].size(), 1u) << cli.output;
  EXPECT_EQ(parsed["clusters"][0]["clusterName"], "wharf-web");
  EXPECT_EQ(parsed["clusters"][0]["clusterArn"], created->arn);
  EXPECT_EQ(parsed["clusters"][0]["status"], "ACTIVE");
}

TEST_F(EcsClientLocalCloudTest, ListAndDeleteClusters) {
  ASSERT_TRUE(CreateCluster("a").ok());
  ASSERT_TRUE(CreateCluster("b").ok());
  std::optional<Outcome<std::vector<std::string>>> listed;
  ecs_->ListClusters([&](Outcome<std::vector<std::string>> r) { listed.emplace(std::move(r)); });
  auto arns = Wait(listed);
  ASSERT_TRUE(arns.ok()) << arns.status().ToString();
  EXPECT_EQ(arns->size(), 2u);

  std::optional<Outcome<EcsCluster>> deleted;
  ecs_->DeleteCluster("a", [&](Outcome<EcsCluster> r) { deleted.emplace(std::move(r)); });
  auto gone = Wait(deleted);
  ASSERT_TRUE(gone.ok()) << gone.status().ToString();
  EXPECT_EQ(gone->name, "a");

  // Deleting an unknown cluster is a terminal, typed error from moto's JSON
  // error body.
  std::optional<Outcome<EcsCluster>> again;
  ecs_->DeleteCluster("never-existed", [&](Outcome<EcsCluster> r) { again.emplace(std::move(r)); });
  auto missing = Wait(again);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), "ClusterNotFoundException");
  EXPECT_FALSE(missing.error().retryable());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(missing.error().http_status(), 400);
}

TEST_F(EcsClientLocalCloudTest, TagResourceAddsTags) {
  auto created = CreateCluster("tagged", {{"app", "shop"}});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  std::optional<Outcome<bool>> tagged;
  ecs_->TagResource(created->arn, {{"app", "shop"}, {"team", "web"}},
                    [&](Outcome<bool> r) { tagged.emplace(std::move(r)); });
  auto result = Wait(tagged);
  ASSERT_TRUE(result.ok()) << result.status().ToString();

  std::optional<Outcome<EcsDescribeClustersResult>> described;
  ecs_->DescribeClusters(
      {"tagged"}, [&](Outcome<EcsDescribeClustersResult> r) { described.emplace(std::move(r)); });
  auto found = Wait(described);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->clusters.size(), 1u);
  EXPECT_EQ(found->clusters[0].tags,
            (std::map<std::string, std::string>{{"app", "shop"}, {"team", "web"}}));
}

TEST_F(EcsClientLocalCloudTest, StsGetCallerIdentityOverQueryProtocol) {
  StsClient sts(*client_);
  std::optional<Outcome<CallerIdentity>> got;
  sts.GetCallerIdentity([&](Outcome<CallerIdentity> r) { got.emplace(std::move(r)); });
  ASSERT_TRUE(test_support::RunUntil(
      io_, [&] { return got.has_value(); }, std::chrono::seconds(30)));
  ASSERT_TRUE(got->ok()) << got->status().ToString();
  EXPECT_EQ(got->value().account, "123456789012");
  EXPECT_FALSE(got->value().arn.empty());
}

TEST_F(EcsClientLocalCloudTest, QueryProtocolErrorIsParsedFromXml) {
  std::optional<Outcome<AwsClient::XmlDocument>> got;
  client_->CallQuery(services::kIam, "GetRole", {{"RoleName", "no-such-role"}},
                     [&](Outcome<AwsClient::XmlDocument> r) { got.emplace(std::move(r)); });
  ASSERT_TRUE(test_support::RunUntil(
      io_, [&] { return got.has_value(); }, std::chrono::seconds(30)));
  ASSERT_FALSE(got->ok());
  EXPECT_EQ(got->error().service(), "iam");
  EXPECT_EQ(got->error().code(), "NoSuchEntity");
  EXPECT_FALSE(got->error().message().empty());
  EXPECT_FALSE(got->error().request_id().empty());
  EXPECT_EQ(got->status().code(), Status::Code::kNotFound);
  EXPECT_EQ(client_->attempts_sent(), 1);
}

TEST_F(EcsClientLocalCloudTest, FiftyConcurrentDescribeClustersAllComplete) {
  ASSERT_TRUE(CreateCluster("busy").ok());
  constexpr int kCalls = 50;
  int done = 0;
  int ok = 0;
  for (int i = 0; i < kCalls; ++i) {
    ecs_->DescribeClusters({"busy"}, [&](Outcome<EcsDescribeClustersResult> r) {
      ++done;
      if (r.ok() && r->clusters.size() == 1) ++ok;
    });
  }
  ASSERT_TRUE(test_support::RunUntil(
      io_, [&] { return done == kCalls; }, std::chrono::seconds(60)))
      << done << " of " << kCalls << " completed";
  EXPECT_EQ(ok, kCalls);
  EXPECT_EQ(transport_->in_flight(), 0u);
  EXPECT_LE(transport_->connections_opened(), kCalls + 1);
}

TEST_F(EcsClientLocalCloudTest, ResetForgetsClusters) {
  ASSERT_TRUE(CreateCluster("temp").ok());
  ASSERT_TRUE(cloud_.Reset().ok());
  std::optional<Outcome<std::vector<std::string>>> listed;
  ecs_->ListClusters([&](Outcome<std::vector<std::string>> r) { listed.emplace(std::move(r)); });
  auto arns = Wait(listed);
  ASSERT_TRUE(arns.ok()) << arns.status().ToString();
  EXPECT_TRUE(arns->empty());
}

}  // namespace
}  // namespace wharf::aws
