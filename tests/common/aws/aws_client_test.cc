#include "common/aws/aws_client.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/aws/ecs_client.h"
#include "common/aws/env_credentials_provider.h"
#include "common/aws/fake_http_transport.h"
#include "common/aws/sts_client.h"
#include "common/base/fake_clock.h"
#include "tests/support/run_until.h"

namespace wharf::aws {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

// An AwsClient on a FakeHttpTransport, a FakeClock and scripted jitter.
class AwsClientTest : public ::testing::Test {
 protected:
  AwsClientTest()
      : transport_(io_),
        credentials_(Environment::FromMap(
            {{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"}, {"AWS_SECRET_ACCESS_KEY", "secret"}})),
        clock_(1'700'000'000'000) {}

  std::unique_ptr<AwsClient> MakeClient(std::string region = "eu-west-1") {
    AwsClient::Options options;
    options.region = std::move(region);
    options.retry.base_delay = milliseconds(1);
    options.retry.max_delay = milliseconds(5);
    options.random = [this] {
      jitter_calls_++;
      return 0.0;  // no real waiting
    };
    return std::make_unique<AwsClient>(io_, transport_, credentials_,
                                       EndpointResolver(Environment::FromMap({})), clock_, options);
  }

  template <typename T>
  std::optional<Outcome<T>> Await(std::optional<Outcome<T>>& slot) {
    test_support::RunUntil(
        io_, [&] { return slot.has_value(); }, std::chrono::seconds(5));
    return slot;
  }

  static std::string Throttled() {
    return R"({"__type":"ThrottlingException","message":"Rate exceeded"})";
  }

  asio::io_context io_;
  FakeHttpTransport transport_;
  EnvCredentialsProvider credentials_;
  FakeClock clock_;
  int jitter_calls_ = 0;
};

TEST_F(AwsClientTest, JsonRequestShape) {
  auto client = MakeClient();
  transport_.EnqueueResponse(200, R"({"clusterArns":["arn:a"]})");
  std::optional<Outcome<json>> got;
  client->CallJson(services::kEcs, "ListClusters", json::object(),
                   [&](Outcome<json> r) { got.emplace(std::move(r)); });
  EXPECT_FALSE(got.has_value()) << "callback must not run inside CallJson";
  ASSERT_TRUE(Await(got).has_value());
  ASSERT_TRUE(got->ok()) << got->status().ToString();
  EXPECT_EQ(got->value()["clusterArns"][0], "arn:a");

  auto requests = transport_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const HttpRequest& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.Url(), "https://ecs.eu-west-1.amazonaws.com/");
  EXPECT_EQ(*r.FindHeader("X-Amz-Target"), "AmazonEC2ContainerServiceV20141113.ListClusters");
  EXPECT_EQ(*r.FindHeader("Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(*r.FindHeader("X-Amz-Date"), "20231114T221320Z");
  EXPECT_EQ(r.body, "{}");
  const std::string& auth = *r.FindHeader("Authorization");
  EXPECT_EQ(
      auth.rfind("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/eu-west-1/ecs/aws4_request, "
                 "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=",
                 0),
      0u)
      << auth;
}

TEST_F(AwsClientTest, QueryRequestShapeAndXml) {
  auto client = MakeClient("us-west-2");
  transport_.EnqueueResponse(
      200,
      "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
      "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/moto</Arn>"
      "<UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult>"
      "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>");
  StsClient sts(*client);
  std::optional<Outcome<CallerIdentity>> got;
  sts.GetCallerIdentity([&](Outcome<CallerIdentity> r) { got.emplace(std::move(r)); });
  ASSERT_TRUE(Await(got).has_value());
  ASSERT_TRUE(got->ok()) << got->status().ToString();
  EXPECT_EQ(got->value().account, "123456789012");
  EXPECT_EQ(got->value().arn, "arn:aws:iam::123456789012:user/moto");
  EXPECT_EQ(got->value().user_id, "AIDA");

  const HttpRequest r = transport_.requests().at(0);
  EXPECT_EQ(r.Url(), "https://sts.us-west-2.amazonaws.com/");
  EXPECT_EQ(r.body, "Action=GetCallerIdentity&Version=2011-06-15");
  EXPECT_EQ(*r.FindHeader("Content-Type"), "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(r.FindHeader("X-Amz-Target"), nullptr);
  EXPECT_NE(r.FindHeader("Authorization")->find("/us-west-2/sts/aws4_request"), std::string::npos);
}

TEST_F(AwsClientTest, QueryParamsAreFormEncoded) {
  auto client = MakeClient();
  transport_.EnqueueResponse(200, "<GetRoleResponse/>");
  std::optional<Outcome<AwsClient::XmlDocument>> got;
  client->CallQuery(services::kIam, "GetRole", {{"RoleName", "a b/c"}},
                    [&](Outcome<AwsClient::XmlDocument> r) { got.emplace(std::move(r)); });
  ASSERT_TRUE(Await(got).has_value());
  ASSERT_TRUE(got->ok());
  const HttpRequest r = transport_.requests().at(0);
  EXPECT_EQ(r.Url(), "https://iam.amazonaws.com/");
  EXPECT_EQ(r.body, "Action=GetRole&Version=2010-05-08&RoleName=a%20b%2Fc");
  // IAM signs for us-east-1 whatever the client's region.
  EXPECT_NE(r.FindHeader("Authorization")->find("/us-east-1/iam/aws4_request"), std::string::npos);
}

TEST_F(AwsClientTest, ThrottledTwiceThenSucceedsWithThreeAttempts) {
  auto client = MakeClient();
  transport_.EnqueueResponse(400, Throttled(), {{"x-amzn-requestid", "t1"}});
  transport_.EnqueueResponse(400, Throttled(), {{"x-amzn-requestid", "t2"}});
  transport_.EnqueueResponse(200, R"({"clusters":[],"failures":[]})");
  EcsClient ecs(*client);
  std::optional<Outcome<EcsDescribeClustersResult>> got;
  ecs.DescribeClusters({"web"},
                       [&](Outcome<EcsDescribeClustersResult> r) { got.emplace(std::move(r)); });
  ASSERT_TRUE(Await(got).has_value());
  EXPECT_TRUE(got->ok()) << got->status().ToString();
  EXPECT_EQ(transport_.request_count(), 3u);
  EXPECT_EQ(client->attempts_sent(), 3);
  EXPECT_EQ(jitter_calls_, 2);
  // Each attempt is signed afresh (same fake time: same date).
  for (const HttpRequest& r : transport_.requests()) {
    EXPECT_NE(r.FindHeader("Authorization"), nullptr);
  }
}

TEST_F(AwsClientTest, GivesUpAfterMaxAttemptsWithRetryableError) {
  auto client = MakeClient();
  for (int i = 0; i < 3; ++i)
    transport_.EnqueueResponse(400, Throttled(), {{"x-amzn-requestid", "last"}});
  std::optional<Outcome<json>> got;
  client->CallJson(services::kEcs, "ListClusters", {},
                   [&](Outcome<json> r) { got.emplace(std::move(r)); });
  ASSERT_TRUE(Await(got).has_value());
  ASSERT_FALSE(got->ok());
  EXPECT_EQ(transport_.request_count(), 3u);
  EXPECT_TRUE(got->error().retryable());
  EXPECT_EQ(got->error().code(), "ThrottlingException");
  EXPECT_EQ(got->error().request_id(), "last");
  EXPECT_EQ(got->status().code(), Status::Code::kUnavailable);
}

TEST_F(AwsClientTest, ValidationErrorIsNotRetried) {
  auto client = MakeClient();
  transport_.EnqueueResponse(400, R"({"__type":"InvalidParameterException","message":"Bad name"})",
                             {{"x-amzn-requestid", "v1"}});
  EcsClient ecs(*client);
  std::optional<Outcome<EcsCluster>> got;
  ecs.CreateCluster("bad name!", {}, [&](Outcome<EcsCluster> r) { got.emplace(std::move(r)); });
  ASSERT_TRUE(Await(got).has_value());
  ASSERT_FALSE(got->ok());
  EXPECT_EQ(transport_.request_count(), 1u);
  EXPECT_EQ(jitter_calls_, 0);
  const v1::Error& e = got->error();
  EXPECT_EQ(e.service(), "ecs");
  EXPECT_EQ(e.operation(), "CreateCluster");
  EXPECT_EQ(e.code(), "InvalidParameterException");
  EXPECT_EQ(e.message(), "Bad name");
  EXPECT_EQ(e.request_id(), "v1");
  EXPECT_EQ(e.http_status(), 400);
  EXPECT_FALSE(e.retryable());
  EXPECT_EQ(got->status().code(), Status::Code::kInvalidArgument);
}

TEST_F(AwsClientTest, TransportFailureIsRetried) {
  auto client = MakeClient();
  transport_.Enqueue(Status::Unavailable("connection refused"));
  transport_.Enqueue(Status::DeadlineExceeded("timed out"));
  transport_.EnqueueResponse(200, "{}");
  std::optional<Outcome<json>> got;
  client->CallJson(services::kEcs, "ListClusters", {},
                   [&](Outcome<json> r) { got.emplace(std::move(r)); });
  ASSERT_TRUE(Await(got).has_value());
  EXPECT_TRUE(got->ok());
  EXPECT_EQ(transport_.request_count(), 3u);
}

TEST_F(AwsClientTest, BackoffUsesInjectedRandomness) {
  AwsClient::Options options;
  options.region = "us-east-1";
  options.retry.max_attempts = 4;
  options.retry.base_delay = milliseconds(1000);
  std::vector<double> draws = {0.0, 0.0, 0.0};
  int next = 0;
  options.random = [&] { return draws.at(next++); };
  AwsClient client(io_, transport_, credentials_, EndpointResolver(Environment::FromMap({})),
                   clock_, options);
  for (int i = 0; i < 4; ++i) transport_.EnqueueResponse(503, "");
  std::optional<Outcome<json>> got;
  client.CallJson(services::kEcs, "ListClusters", {},
                  [&](Outcome<json> r) { got.emplace(std::move(r)); });
  ASSERT_TRUE(Await(got).has_value());
  EXPECT_EQ(next, 3);
  EXPECT_EQ(transport_.request_count(), 4u);
  EXPECT_EQ(got->error().code(), "Http503");
}

TEST_F(AwsClientTest, MissingCredentialsFailWithoutSending) {
  EnvCredentialsProvider none(Environment::FromMap({}));
  AwsClient::Options options;
  options.region = "us-east-1";
  AwsClient client(io_, transport_, none, EndpointResolver(Environment::FromMap({})), clock_,
                   options);
  std::optional<Outcome<json>> got;
  client.CallJson(services::kEcs, "ListClusters", {},
                  [&](Outcome<json> r) { got.emplace(std::move(r)); });
  ASSERT_TRUE(Await(got).has_value());
  ASSERT_FALSE(got->ok());
  EXPECT_EQ(got->error().code(), "MissingCredentials");
  EXPECT_EQ(got->status().code(), Status::Code::kPermissionDenied);
  EXPECT_EQ(transport_.request_count(), 0u);
}

TEST_F(AwsClientTest, MalformedJsonIsAnInternalError) {
  auto client = MakeClient();
  transport_.EnqueueResponse(200, "{not json", {{"x-amzn-requestid", "m1"}});
  std::optional<Outcome<json>> got;
  client->CallJson(services::kEcs, "ListClusters", {},
                   [&](Outcome<json> r) { got.emplace(std::move(r)); });
  ASSERT_TRUE(Await(got).has_value());
  ASSERT_FALSE(got->ok());
  EXPECT_EQ(got->error().code(), "MalformedResponse");
  EXPECT_EQ(got->error().request_id(), "m1");
  EXPECT_EQ(got->status().code(), Status::Code::kInternal);
}

TEST_F(AwsClientTest, EcsResponseOfWrongShapeIsMalformedNotAnException) {
  auto client = MakeClient();
  transport_.EnqueueResponse(200, R"({"cluster":{"clusterArn":"a","tags":[{"value":"x"}]}})");
  EcsClient ecs(*client);
  std::optional<Outcome<EcsCluster>> got;
  ecs.CreateCluster("web", {}, [&](Outcome<EcsCluster> r) { got.emplace(std::move(r)); });
  ASSERT_TRUE(Await(got).has_value());
  ASSERT_FALSE(got->ok());
  EXPECT_EQ(got->error().code(), "MalformedResponse");
}

TEST_F(AwsClientTest, EcsParsesClustersFailuresAndPages) {
  auto client = MakeClient();
  transport_.EnqueueResponse(200,
                             R"({"clusters":[{"clusterArn":"arn:aws:ecs:eu-west-1:1:cluster/web",
      "clusterName":"web","status":"ACTIVE","activeServicesCount":2,"runningTasksCount":3,
      "pendingTasksCount":1,"tags":[{"key":"app","value":"shop"}]}],
      "failures":[{"arn":"arn:aws:ecs:eu-west-1:1:cluster/gone","reason":"MISSING"}]})");
  transport_.EnqueueResponse(200, R"({"clusterArns":["a","b"],"nextToken":"t1"})");
  transport_.EnqueueResponse(200, R"({"clusterArns":["c"]})");
  EcsClient ecs(*client);
  std::optional<Outcome<EcsDescribeClustersResult>> described;
  ecs.DescribeClusters({"web", "gone"}, [&](Outcome<EcsDescribeClustersResult> r) {
    described.emplace(std::move(r));
  });
  ASSERT_TRUE(Await(described).has_value());
  ASSERT_TRUE(described->ok()) << described->status().ToString();
  ASSERT_EQ(described->value().clusters.size(), 1u);
  const EcsCluster& c = described->value().clusters[0];
  EXPECT_EQ(c.name, "web");
  EXPECT_EQ(c.status, "ACTIVE");
  EXPECT_EQ(c.active_services_count, 2);
  EXPECT_EQ(c.running_tasks_count, 3);
  EXPECT_EQ(c.pending_tasks_count, 1);
  EXPECT_EQ(c.tags.at("app"), "shop");
  ASSERT_EQ(described->value().failures.size(), 1u);
  EXPECT_EQ(described->value().failures[0].reason, "MISSING");
  EXPECT_EQ(json::parse(transport_.requests()[0].body),
            json::parse(R"({"clusters":["web","gone"],"include":["TAGS"]})"));

  std::optional<Outcome<std::vector<std::string>>> listed;
  ecs.ListClusters([&](Outcome<std::vector<std::string>> r) { listed.emplace(std::move(r)); });
  ASSERT_TRUE(Await(listed).has_value());
  ASSERT_TRUE(listed->ok());
  EXPECT_EQ(listed->value(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(json::parse(transport_.requests()[2].body), json::parse(R"({"nextToken":"t1"})"));
}

TEST_F(AwsClientTest, EcsTagResourceRequest) {
  auto client = MakeClient();
  transport_.EnqueueResponse(200, "{}");
  EcsClient ecs(*client);
  std::optional<Outcome<bool>> got;
  ecs.TagResource("arn:c", {{"b", "2"}, {"a", "1"}},
                  [&](Outcome<bool> r) { got.emplace(std::move(r)); });
  ASSERT_TRUE(Await(got).has_value());
  ASSERT_TRUE(got->ok());
  const HttpRequest r = transport_.requests().at(0);
  EXPECT_EQ(*r.FindHeader("X-Amz-Target"), "AmazonEC2ContainerServiceV20141113.TagResource");
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"resourceArn":"arn:c","tags":[
      {"key":"a","value":"1"},{"key":"b","value":"2"}]})"));
}

TEST_F(AwsClientTest, DestroyingTheClientAbandonsCalls) {
  auto client = MakeClient();
  transport_.EnqueueResponse(200, "{}");
  bool called = false;
  client->CallJson(services::kEcs, "ListClusters", {}, [&](Outcome<json>) { called = true; });
  client.reset();
  io_.run_for(milliseconds(50));
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace wharf::aws
