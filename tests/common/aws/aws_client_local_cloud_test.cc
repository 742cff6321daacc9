// AwsClient against the local cloud (localcloud/) on 127.0.0.1: signatures
// checked by moto's auth mode, retries under injected throttling, and the
// client-side rate buckets against the cloud's own enforcement of AWS's
// rates. Raw CallJson/CallQuery, so only the client machinery is under test.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/aws/api_rate_limiter.h"
#include "common/aws/aws_client.h"
#include "common/aws/curl_http_transport.h"
#include "common/aws/env_credentials_provider.h"
#include "common/base/clock.h"
#include "tests/support/local_cloud_server.h"
#include "tests/support/run_until.h"

namespace wharf::aws {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using test_support::LocalCloudServer;

constexpr char kRegion[] = "us-east-1";

EnvCredentialsProvider Keys(const std::string& id, const std::string& secret) {
  return EnvCredentialsProvider(
      Environment::FromMap({{"AWS_ACCESS_KEY_ID", id}, {"AWS_SECRET_ACCESS_KEY", secret}}));
}

// One call of any protocol, for tables of calls.
struct ApiCall {
  const AwsService* service;
  std::string operation;
};

class LocalCloudClientTest : public ::testing::Test {
 protected:
  void Start(LocalCloudServer::Options options) {
    cloud_ = std::make_unique<LocalCloudServer>(std::move(options));
    Status started = cloud_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    transport_ = std::make_unique<CurlHttpTransport>(io_);
  }

  std::unique_ptr<AwsClient> Client(CredentialsProvider& credentials,
                                    AwsClient::Options options = {}) {
    options.region = kRegion;
    return std::make_unique<AwsClient>(
        io_, *transport_, credentials,
        EndpointResolver(Environment::FromMap({}), cloud_->endpoint()), clock_, options);
  }

  // Sends `call` and waits (bounded) for its outcome; the body is dropped.
  Outcome<bool> Run(AwsClient& client, const ApiCall& call) {
    std::optional<Outcome<bool>> got;
    auto keep = [&](const auto& r) {
      if (r.ok()) {
        got.emplace(true);
      } else {
        got.emplace(r.error());
      }
    };
    if (call.service->protocol == AwsProtocol::kJson) {
      client.CallJson(*call.service, call.operation, json::object(),
                      [&](Outcome<json> r) { keep(r); });
    } else {
      client.CallQuery(*call.service, call.operation, {},
                       [&](Outcome<AwsClient::XmlDocument> r) { keep(r); });
    }
    EXPECT_TRUE(test_support::RunUntil(
        io_, [&] { return got.has_value(); }, seconds(30)));
    if (!got) return ClientError(*call.service, call.operation, "TestTimeout", "no answer");
    return std::move(*got);
  }

  // counters["services"][service]["total"][key], 0 when absent.
  static int64_t Counter(const json& counters, const std::string& service, const std::string& key) {
    const json& services = counters.value("services", json::object());
    if (!services.contains(service)) return 0;
    return services[service]["total"].value(key, int64_t{0});
  }

  std::unique_ptr<LocalCloudServer> cloud_;
  asio::io_context io_;
  SystemClock clock_;
  std::unique_ptr<CurlHttpTransport> transport_;
};

// The local cloud in auth mode (moto checks every signature and IAM policy):
// Wharf's signatures with the admin key are accepted on every protocol, and
// every call signed with a wrong secret or an unknown key is refused with an
// error that names the code, terminally (no retry).
TEST_F(LocalCloudClientTest, AuthModeAcceptsTheKeyAndRefusesWrongOnes) {
  Start({.auth = true});
  auto admin = cloud_->AdminCredentials();
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();

  auto right = Keys(admin->access_key_id, admin->secret_access_key);
  auto client = Client(right);
  // STS GetCallerIdentity names the admin user.
  std::optional<Outcome<AwsClient::XmlDocument>> who;
  client->CallQuery(services::kSts, "GetCallerIdentity", {},
                    [&](Outcome<AwsClient::XmlDocument> r) { who.emplace(std::move(r)); });
  ASSERT_TRUE(test_support::RunUntil(
      io_, [&] { return who.has_value(); }, seconds(30)));
  ASSERT_TRUE(who->ok()) << who->status().ToString();
  pugi::xml_node result =
      who->value()->child("GetCallerIdentityResponse").child("GetCallerIdentityResult");
  EXPECT_EQ(std::string(result.child("Arn").text().get()), admin->user_arn);
  EXPECT_EQ(std::string(result.child("Account").text().get()), admin->account_id);
  // An ECS call that changes something, and one that reads it back.
  std::optional<Outcome<json>> created;
  client->CallJson(services::kEcs, "CreateCluster", {{"clusterName", "signed"}},
                   [&](Outcome<json> r) { created.emplace(std::move(r)); });
  ASSERT_TRUE(test_support::RunUntil(
      io_, [&] { return created.has_value(); }, seconds(30)));
  ASSERT_TRUE(created->ok()) << created->status().ToString();
  EXPECT_EQ(created->value()["cluster"]["clusterName"], "signed");

  const std::vector<ApiCall> calls = {
      {&services::kSts, "GetCallerIdentity"},
      {&services::kEcs, "ListClusters"},
      {&services::kEc2, "DescribeVpcs"},
      {&services::kIam, "ListRoles"},
      {&services::kElbv2, "DescribeLoadBalancers"},
      {&services::kLogs, "DescribeLogGroups"},
      {&services::kCloudWatch, "DescribeAlarms"},
      {&services::kEcr, "DescribeRepositories"},
  };
  for (const ApiCall& call : calls) {
    Outcome<bool> got = Run(*client, call);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
  }

  auto wrong_secret = Keys(admin->access_key_id, admin->secret_access_key + "x");
  auto unknown_key = Keys("AKIAUNKNOWNKEY000000", admin->secret_access_key);
  struct Refusal {
    CredentialsProvider* credentials;
    const char* what;
    std::string want_code;      // moto's answer: 403 with this code
    std::string want_ec2_code;  // EC2's own: 401 AuthFailure
  };
  const Refusal refusals[] = {
      {&wrong_secret, "wrong secret", "SignatureDoesNotMatch", "AuthFailure"},
      {&unknown_key, "unknown key", "InvalidClientTokenId", "AuthFailure"},
  };
  int refused = 0;
  for (const Refusal& r : refusals) {
    auto bad = Client(*r.credentials);
    for (const ApiCall& call : calls) {
      Outcome<bool> got = Run(*bad, call);
      ASSERT_FALSE(got.ok()) << r.what << " " << call.operation;
      ++refused;
      const v1::Error& e = got.error();
      const std::string want = call.service == &services::kEc2 ? r.want_ec2_code : r.want_code;
      EXPECT_EQ(e.code(), want) << r.what << " " << call.operation << ": " << FormatError(e);
      EXPECT_EQ(e.service(), call.service->signing_name);
      EXPECT_EQ(e.operation(), call.operation);
      EXPECT_FALSE(e.retryable()) << FormatError(e);
      EXPECT_EQ(got.status().code(), Status::Code::kPermissionDenied) << FormatError(e);
      EXPECT_NE(got.status().message().find(want), std::string::npos);
      // The secret never appears in what the caller gets.
      EXPECT_EQ(FormatError(e).find(admin->secret_access_key), std::string::npos);
    }
    EXPECT_EQ(bad->attempts_sent(), static_cast<int64_t>(calls.size())) << "no retries";
  }
  auto counters = cloud_->Counters();
  ASSERT_TRUE(counters.ok()) << counters.status().ToString();
  EXPECT_EQ((*counters)["total"]["auth"], refused) << counters->dump();
}

// 1,000 ECS calls, several in flight, while the local cloud throttles 30% of
// them (ThrottlingException, as ECS does): every call completes, and the
// client's retries are exactly the cloud's throttles.
//
// Why no call can fail here: a call fails only if all its attempts are
// throttled or the retry quota refuses a retry. With 20 attempts the chance
// that some call of the 1,000 is throttled 20 times is 1000 x 0.3^20 ~ 4e-8.
// The quota is the SDKs' default (500 units, 5 per retry, back on success):
// a call drains 5 per retry beyond its first and gives 1 when not retried,
// so it gains on average (0.7 - 5 x 0.3 x 0.3 / 0.7 ~ +0.06 per call), and
// falling from 500 to empty would take a run ~6.5 standard deviations
// (sd ~77 over 1,000 calls) below that; with 16 in flight at most ~16 retries
// (80 units) are outstanding. So every failure a retry could save is saved,
// and the test checks that the quota never refused one. Backoff is shortened
// (10 ms base, 100 ms cap) to keep the test fast; its shape is unit-tested.
TEST_F(LocalCloudClientTest, ThousandCallsUnderThirtyPercentThrottlingAllComplete) {
  Start({});
  Status faults = cloud_->InjectFaults({{"service", "ecs"}, {"kind", "throttle"}, {"rate", 0.3}});
  ASSERT_TRUE(faults.ok()) << faults.ToString();
  auto keys = Keys("AKIDLOCAL", "local-secret");
  AwsClient::Options options;
  options.retry.max_attempts = 20;
  options.retry.base_delay = milliseconds(10);
  options.retry.max_delay = milliseconds(100);
  RetryQuota quota;  // the SDK default: 500 / 5 / 10
  options.retry_quota = &quota;
  auto client = Client(keys, options);

  constexpr int kCalls = 1000;
  constexpr int kInFlight = 16;
  int started = 0;
  int completed = 0;
  int failed = 0;
  std::string first_failure;
  std::function<void()> start_one = [&] {
    const int i = started++;
    auto done = [&](bool ok, const std::string& why) {
      ++completed;
      if (!ok) {
        ++failed;
        if (first_failure.empty()) first_failure = why;
      }
      if (started < kCalls) start_one();
    };
    if (i % 2 == 0) {
      client->CallJson(services::kEcs, "ListClusters", json::object(), [=](Outcome<json> r) {
        done(r.ok(), r.ok() ? "" : FormatError(r.error()));
      });
    } else {
      client->CallJson(
          services::kEcs, "DescribeClusters", {{"clusters", {"default"}}},
          [=](Outcome<json> r) { done(r.ok(), r.ok() ? "" : FormatError(r.error())); });
    }
  };
  for (int i = 0; i < kInFlight; ++i) start_one();
  ASSERT_TRUE(test_support::RunUntil(
      io_, [&] { return completed == kCalls; }, seconds(150)))
      << completed << " of " << kCalls << " completed";
  EXPECT_EQ(failed, 0) << first_failure;

  auto counters = cloud_->Counters();
  ASSERT_TRUE(counters.ok()) << counters.status().ToString();
  const int64_t throttled = Counter(*counters, "ecs", "throttled");
  const int64_t calls = Counter(*counters, "ecs", "calls");
  std::printf("1000 calls: %lld attempts, %lld retries, %lld throttled by the cloud, quota %d\n",
              static_cast<long long>(client->attempts_sent()),
              static_cast<long long>(client->retries()), static_cast<long long>(throttled),
              quota.available());
  EXPECT_GT(throttled, 200) << "the fault rule did not fire: " << counters->dump();
  EXPECT_EQ(client->retries(), throttled);
  EXPECT_EQ(client->throttling_retries(), throttled);
  EXPECT_EQ(client->attempts_sent(), calls);
  EXPECT_EQ(calls, kCalls + throttled);
  EXPECT_EQ(client->retries_refused_by_quota(), 0);
  EXPECT_EQ(quota.refusals(), 0);
}

// The local cloud enforcing AWS's rates (wall clock): a burst of
// DescribeClusters calls (ECS cluster-read bucket: 50 burst, 20 per second)
// sent at once is throttled without the client-side buckets, and is not
// throttled at all with them: the calls wait for tokens instead, and the
// buckets refill from the first answer, so the cloud's bucket (which starts
// when the first call reaches it) is never behind the client's.
TEST_F(LocalCloudClientTest, ClientSideBucketsKeepToTheCloudsRates) {
  Start({.enforce_rates = true});
  auto mode = cloud_->ControlJson("POST", "ratelimits", {{"enabled", true}, {"clock", "wall"}});
  ASSERT_TRUE(mode.ok()) << mode.status().ToString();
  auto keys = Keys("AKIDLOCAL", "local-secret");
  constexpr int kCalls = 90;

  auto burst = [&](AwsClient& client) {
    int completed = 0;
    int failed = 0;
    for (int i = 0; i < kCalls; ++i) {
      client.CallJson(services::kEcs, "DescribeClusters", {{"clusters", {"default"}}},
                      [&](Outcome<json> r) {
                        ++completed;
                        if (!r.ok()) ++failed;
                      });
    }
    EXPECT_TRUE(test_support::RunUntil(
        io_, [&] { return completed == kCalls; }, seconds(60)));
    return failed;
  };

  // Without the buckets: the cloud throttles (the client retries what it
  // can; some calls may still fail after 3 attempts, which is the point).
  {
    AwsClient::Options fast_retries;
    fast_retries.retry.base_delay = milliseconds(10);
    auto client = Client(keys, fast_retries);
    burst(*client);
    auto counters = cloud_->Counters();
    ASSERT_TRUE(counters.ok());
    EXPECT_GT(Counter(*counters, "ecs", "rate_limited"), 0) << counters->dump();
  }
  ASSERT_TRUE(cloud_->Reset().ok());
  mode = cloud_->ControlJson("POST", "ratelimits", {{"enabled", true}, {"clock", "wall"}});
  ASSERT_TRUE(mode.ok()) << mode.status().ToString();

  // With them: 50 go at once, the other 40 at 20 per second; none throttled.
  ApiRateLimiter limiter(io_, clock_);
  AwsClient::Options options;
  options.rate_limiter = &limiter;
  auto client = Client(keys, options);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(burst(*client), 0);
  const auto took = std::chrono::steady_clock::now() - start;
  auto counters = cloud_->Counters();
  ASSERT_TRUE(counters.ok());
  EXPECT_EQ(Counter(*counters, "ecs", "rate_limited"), 0) << counters->dump();
  EXPECT_EQ(Counter(*counters, "ecs", "calls"), kCalls);
  EXPECT_EQ(client->retries(), 0);
  EXPECT_EQ(limiter.admitted_at_once(), 50);
  EXPECT_EQ(limiter.admitted_after_wait(), 40);
  EXPECT_GE(took, milliseconds(1900)) << "40 calls at 20 per second";
}

}  // namespace
}  // namespace wharf::aws
