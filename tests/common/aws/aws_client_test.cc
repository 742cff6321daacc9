#include "common/aws/aws_client.h"

#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include "common/aws/api_rate_limiter.h"
#include "common/aws/container_credentials_provider.h"
#include "common/aws/ecs_client.h"
#include "common/aws/env_credentials_provider.h"
#include "common/aws/fake_http_transport.h"
#include "common/aws/sts_client.h"
#include "common/base/fake_clock.h"
#include "common/base/logging.h"
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

// Retries, the retry quota and the rate limiter, table-driven: each case
// scripts the transport's answers and says what the caller and the counters
// see.
TEST_F(AwsClientTest, RetryDecisions) {
  struct Answer {
    int status;  // 0: a transport failure
    std::string body;
    Status transport_failure = Status::Ok();
  };
  const Answer throttled{400, Throttled()};
  const Answer ok{200, "{}"};
  struct Case {
    std::string name;
    std::vector<Answer> answers;
    int max_attempts;
    int quota_capacity;
    bool want_ok;
    std::string want_code;
    int want_attempts;
    int want_retries;
    int want_refused;
    int want_quota_left;
  };
  const std::vector<Case> cases = {
      {"success refunds 1 (capped at capacity)", {ok}, 3, 500, true, "", 1, 0, 0, 500},
      {"throttled then ok: the retry's 5 come back",
       {throttled, ok},
       3,
       500,
       true,
       "",
       2,
       1,
       0,
       500},
      {"500 then ok", {{500, ""}, ok}, 3, 100, true, "", 2, 1, 0, 100},
      {"502 503 504 then give up after 3 attempts",
       {{502, ""}, {503, ""}, {504, ""}},
       3,
       500,
       false,
       "Http504",
       3,
       2,
       0,
       490},
      // 4 retries take 20; the success gives back what the last one took.
      {"max attempts is configurable",
       {throttled, throttled, throttled, throttled, ok},
       5,
       500,
       true,
       "",
       5,
       4,
       0,
       485},
      {"a timeout costs 10",
       {{0, "", Status::DeadlineExceeded("timed out")}, ok},
       3,
       12,
       true,
       "",
       2,
       1,
       0,
       12},
      {"an empty quota returns the retryable error",
       {throttled, throttled},
       3,
       7,
       false,
       "ThrottlingException",
       2,
       1,
       1,
       2},
      {"a timeout needs 10 units",
       {{0, "", Status::DeadlineExceeded("timed out")}},
       3,
       9,
       false,
       "TransportTimeout",
       1,
       0,
       1,
       9},
      {"validation is never retried",
       {{400, R"({"__type":"InvalidParameterException","message":"bad"})"}},
       3,
       500,
       false,
       "InvalidParameterException",
       1,
       0,
       0,
       500},
      {"permission is never retried",
       {{400, R"({"__type":"AccessDeniedException","message":"no"})"}},
       3,
       500,
       false,
       "AccessDeniedException",
       1,
       0,
       0,
       500},
      {"a 403 XML answer of moto's auth mode is terminal",
       {{403,
         "<ErrorResponse><Error><Code>InvalidClientTokenId</Code><Message>The security token "
         "included in the request is invalid.</Message></Error><RequestId>r</RequestId>"
         "</ErrorResponse>"}},
       3,
       500,
       false,
       "InvalidClientTokenId",
       1,
       0,
       0,
       500},
  };
  for (const Case& c : cases) {
    FakeHttpTransport transport(io_);
    for (const Answer& a : c.answers) {
      if (a.status == 0) {
        transport.Enqueue(a.transport_failure);
      } else {
        transport.EnqueueResponse(a.status, a.body, {{"x-amzn-requestid", "req"}});
      }
    }
    RetryQuota quota(RetryQuota::Options{.capacity = c.quota_capacity});
    AwsClient::Options options;
    options.region = "us-east-1";
    options.retry.max_attempts = c.max_attempts;
    options.retry.base_delay = milliseconds(1);
    options.random = [] { return 0.0; };
    options.retry_quota = &quota;
    AwsClient client(io_, transport, credentials_, EndpointResolver(Environment::FromMap({})),
                     clock_, options);
    std::optional<Outcome<json>> got;
    client.CallJson(services::kEcs, "ListClusters", {},
                    [&](Outcome<json> r) { got.emplace(std::move(r)); });
    ASSERT_TRUE(Await(got).has_value()) << c.name;
    EXPECT_EQ(got->ok(), c.want_ok) << c.name;
    if (!got->ok()) {
      EXPECT_EQ(got->error().code(), c.want_code) << c.name;
      EXPECT_EQ(got->error().service(), "ecs") << c.name;
      EXPECT_EQ(got->error().operation(), "ListClusters") << c.name;
    }
    EXPECT_EQ(transport.request_count(), static_cast<size_t>(c.want_attempts)) << c.name;
    EXPECT_EQ(client.attempts_sent(), c.want_attempts) << c.name;
    EXPECT_EQ(client.retries(), c.want_retries) << c.name;
    EXPECT_EQ(client.retries_refused_by_quota(), c.want_refused) << c.name;
    EXPECT_EQ(quota.available(), c.want_quota_left) << c.name;
  }
}

TEST_F(AwsClientTest, ClientsSharingAQuotaStopARetryStormTogether) {
  // AWS throttles everything: with the default quota (500, 5 per retry) the
  // clients of a process make 100 retries in all, then only first attempts.
  transport_.SetHandler([](const HttpRequest&) -> Result<HttpResponse> {
    HttpResponse r;
    r.status = 400;
    r.body = R"({"__type":"ThrottlingException","message":"Rate exceeded"})";
    return r;
  });
  RetryQuota quota;
  std::vector<std::unique_ptr<AwsClient>> clients;
  for (int i = 0; i < 2; ++i) {
    AwsClient::Options options;
    options.region = "us-east-1";
    options.retry.base_delay = milliseconds(1);
    options.random = [] { return 0.0; };
    options.retry_quota = &quota;
    clients.push_back(std::make_unique<AwsClient>(io_, transport_, credentials_,
                                                  EndpointResolver(Environment::FromMap({})),
                                                  clock_, options));
  }
  int failed = 0;
  for (int i = 0; i < 200; ++i) {
    clients[i % 2]->CallJson(services::kEcs, "ListClusters", {}, [&](Outcome<json> r) {
      EXPECT_EQ(r.error().code(), "ThrottlingException");
      ++failed;
    });
  }
  ASSERT_TRUE(test_support::RunUntil(io_, [&] { return failed == 200; }));
  EXPECT_EQ(clients[0]->retries() + clients[1]->retries(), 100);
  EXPECT_EQ(transport_.request_count(), 300u);
  EXPECT_EQ(quota.available(), 0);
  EXPECT_GT(quota.refusals(), 0);
}

TEST_F(AwsClientTest, EveryAttemptWaitsForARateToken) {
  // DescribeClusters (ECS cluster-read): here 2 burst, 1 per second.
  ApiRateTable table;
  table.Override("ecs", "cluster-read", {2, 1});
  ApiRateLimiter limiter(io_, clock_, table);
  AwsClient::Options options;
  options.region = "us-east-1";
  options.retry.base_delay = milliseconds(1);
  options.random = [] { return 0.0; };
  options.rate_limiter = &limiter;
  AwsClient client(io_, transport_, credentials_, EndpointResolver(Environment::FromMap({})),
                   clock_, options);
  transport_.EnqueueResponse(200, "{}");
  transport_.EnqueueResponse(400, Throttled());
  transport_.EnqueueResponse(200, "{}");
  transport_.EnqueueResponse(200, "{}");
  int done = 0;
  for (int i = 0; i < 3; ++i) {
    client.CallJson(services::kEcs, "DescribeClusters", {}, [&](Outcome<json> r) {
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      ++done;
    });
  }
  // Two attempts go; the second is throttled and its retry waits for a token
  // like the third call (which came first).
  test_support::RunUntil(io_, [&] { return done == 1 && limiter.waiting() == 2; });
  EXPECT_EQ(transport_.request_count(), 2u);
  EXPECT_EQ(limiter.waiting(), 2u);
  clock_.Advance(milliseconds(1000));
  limiter.Poll();
  test_support::RunUntil(io_, [&] { return transport_.request_count() == 3; });
  EXPECT_EQ(limiter.waiting(), 1u);
  clock_.Advance(milliseconds(1000));
  limiter.Poll();
  ASSERT_TRUE(test_support::RunUntil(io_, [&] { return done == 3; }));
  EXPECT_EQ(transport_.request_count(), 4u);
  EXPECT_EQ(limiter.admitted_after_wait(), 2);
  // Other APIs did not wait.
  transport_.EnqueueResponse(200, "{}");
  bool listed = false;
  client.CallJson(services::kEcs, "ListServices", {}, [&](Outcome<json>) { listed = true; });
  EXPECT_TRUE(test_support::RunUntil(io_, [&] { return listed; }));
}

// Credentials that arrive later (a remote provider still fetching).
class DeferredCredentials final : public CredentialsProvider {
 public:
  Result<Credentials> GetCredentials() override { return Status::Unavailable("not fetched yet"); }
  void GetCredentialsAsync(Callback done) override { waiting.push_back(std::move(done)); }
  std::vector<Callback> waiting;
};

TEST_F(AwsClientTest, AttemptsWaitForCredentialsBeingFetched) {
  DeferredCredentials deferred;
  AwsClient::Options options;
  options.region = "us-east-1";
  options.retry.base_delay = milliseconds(1);
  options.random = [] { return 0.0; };
  AwsClient client(io_, transport_, deferred, EndpointResolver(Environment::FromMap({})), clock_,
                   options);
  transport_.EnqueueResponse(200, "{}");
  std::optional<Outcome<json>> got;
  client.CallJson(services::kEcs, "ListClusters", {},
                  [&](Outcome<json> r) { got.emplace(std::move(r)); });
  test_support::RunUntil(io_, [&] { return deferred.waiting.size() == 1; });
  ASSERT_EQ(deferred.waiting.size(), 1u);
  EXPECT_EQ(transport_.request_count(), 0u);
  Credentials creds;
  creds.access_key_id = "ASIALATE";
  creds.secret_access_key = "late-secret";
  creds.session_token = "late-token";
  deferred.waiting[0](creds);
  ASSERT_TRUE(Await(got).has_value());
  EXPECT_TRUE(got->ok());
  EXPECT_EQ(*transport_.requests()[0].FindHeader("X-Amz-Security-Token"), "late-token");

  // A fetch that fails transiently is retried; one that fails for good is not.
  deferred.waiting.clear();
  got.reset();
  client.CallJson(services::kEcs, "ListClusters", {},
                  [&](Outcome<json> r) { got.emplace(std::move(r)); });
  test_support::RunUntil(io_, [&] { return deferred.waiting.size() == 1; });
  deferred.waiting[0](Status::Unavailable("169.254.170.2: connection refused"));
  test_support::RunUntil(io_, [&] { return deferred.waiting.size() == 2; });
  ASSERT_EQ(deferred.waiting.size(), 2u);
  deferred.waiting[1](Status::PermissionDenied("HTTP 403"));
  ASSERT_TRUE(Await(got).has_value());
  ASSERT_FALSE(got->ok());
  EXPECT_EQ(got->error().code(), "MissingCredentials");
  EXPECT_EQ(got->status().code(), Status::Code::kPermissionDenied);
}

// No log line of the client, whatever happens, holds a secret: the secret
// key, the session token, or a container credentials answer.
TEST_F(AwsClientTest, NothingSecretIsLogged) {
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  auto logger = Logger("aws");
  logger->sinks().push_back(sink);
  const auto old_level = logger->level();
  logger->set_level(spdlog::level::trace);

  // Container credentials (fetched, refreshed after a failure), throttling,
  // retries, a refused quota and terminal errors.
  FakeHttpTransport metadata(io_);
  metadata.EnqueueResponse(500, R"({"code":"InternalError"})");
  metadata.EnqueueResponse(
      200,
      R"({"AccessKeyId":"ASIALOGTEST","SecretAccessKey":"SECRET-never-logged","Token":"TOKEN-never-logged","Expiration":"2100-01-01T00:00:00Z"})");
  ContainerCredentialsProvider::Options container_options;
  container_options.retry_delay = milliseconds(0);
  ContainerCredentialsProvider container(
      io_, metadata, clock_,
      Environment::FromMap({{ContainerCredentialsProvider::kFullUriEnv, "http://127.0.0.1:9/c"},
                            {ContainerCredentialsProvider::kTokenEnv, "AUTHTOKEN-never-logged"}}),
      container_options);
  RetryQuota quota(RetryQuota::Options{.capacity = 5});
  AwsClient::Options options;
  options.region = "us-east-1";
  options.retry.base_delay = milliseconds(1);
  options.random = [] { return 0.0; };
  options.retry_quota = &quota;
  AwsClient client(io_, transport_, container, EndpointResolver(Environment::FromMap({})), clock_,
                   options);
  transport_.EnqueueResponse(400, Throttled());
  transport_.EnqueueResponse(400, Throttled());
  transport_.EnqueueResponse(403,
                             "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code>"
                             "<Message>bad</Message></Error></ErrorResponse>");
  int done = 0;
  for (int i = 0; i < 2; ++i) {
    client.CallJson(services::kEcs, "ListClusters", {}, [&](Outcome<json>) { ++done; });
  }
  ASSERT_TRUE(test_support::RunUntil(io_, [&] { return done == 2; }));

  logger->set_level(old_level);
  logger->sinks().pop_back();
  const std::string text = captured.str();
  EXPECT_NE(text.find("ThrottlingException"), std::string::npos) << "nothing was logged:\n" << text;
  EXPECT_NE(text.find("container credentials"), std::string::npos) << text;
  for (const char* secret : {"SECRET-never-logged", "TOKEN-never-logged", "AUTHTOKEN-never-logged",
                             "ASIALOGTEST", "secret"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in:\n" << text;
  }
}

}  // namespace
}  // namespace wharf::aws
