#pragma once

// A fixture for tests of the JSON services' typed clients (ECS, ECR, Logs,
// Application Auto Scaling, Secrets Manager, SSM) against the local cloud
// (localcloud/): one cloud per test suite (started in SetUpTestSuite, reset
// before each test), a fresh AwsClient on a CurlHttpTransport per test, a
// helper for the control endpoint (/_localcloud/...), and bounded polling.

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/aws/aws_client.h"
#include "common/aws/aws_errors.h"
#include "common/aws/curl_http_transport.h"
#include "common/aws/env_credentials_provider.h"
#include "common/base/clock.h"
#include "tests/support/local_cloud_server.h"
#include "tests/support/run_until.h"

namespace wharf::aws::test {

inline constexpr char kJsonLocalCloudRegion[] = "us-east-1";

class JsonLocalCloudTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cloud_ = new test_support::LocalCloudServer();
    start_status_ = new Status(cloud_->Start());
  }

  static void TearDownTestSuite() {
    delete cloud_;
    cloud_ = nullptr;
    delete start_status_;
    start_status_ = nullptr;
  }

  void SetUp() override {
    ASSERT_TRUE(start_status_->ok()) << start_status_->ToString();
    Status reset = cloud_->Reset();
    ASSERT_TRUE(reset.ok()) << reset.ToString();
    transport_ = std::make_unique<CurlHttpTransport>(io_);
    AwsClient::Options options;
    options.region = kJsonLocalCloudRegion;
    client_ = std::make_unique<AwsClient>(
        io_, *transport_, credentials_,
        EndpointResolver(Environment::FromMap({}), cloud_->endpoint()), clock_, options);
  }

  void TearDown() override {
    client_.reset();
    transport_.reset();
  }

  // Starts a call with `start(callback)` and runs the io_context until the
  // callback has run (bounded).
  template <typename T, typename Start>
  Outcome<T> Call(Start start) {
    std::optional<Outcome<T>> got;
    start([&got](Outcome<T> r) { got.emplace(std::move(r)); });
    EXPECT_TRUE(test_support::RunUntil(
        io_, [&] { return got.has_value(); }, std::chrono::seconds(30)));
    if (!got) return ClientError(services::kEcs, "test", "Timeout", "no answer");
    return std::move(*got);
  }

  // Repeats Call<T>(start) until `done(value)` holds or `deadline` (real
  // time) passes, running the io_context for `interval` between calls (no
  // sleeping: the io thread keeps serving). Returns the last outcome; an
  // error ends the polling at once.
  template <typename T, typename Start>
  Outcome<T> PollUntil(Start start, const std::function<bool(const T&)>& done,
                       std::chrono::milliseconds deadline,
                       std::chrono::milliseconds interval = std::chrono::milliseconds(100)) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (true) {
      Outcome<T> last = Call<T>(start);
      if (!last.ok() || done(last.value()) || std::chrono::steady_clock::now() >= until) {
        return last;
      }
      test_support::RunUntil(
          io_, [] { return false; }, interval);
    }
  }

  // A request to the local cloud's control endpoint, e.g.
  // Control("POST", "clock", {{"speed", 60}}); the answer's status and JSON
  // body, or an error Status.
  struct ControlAnswer {
    int status = 0;
    nlohmann::json body;
  };
  Result<ControlAnswer> Control(const std::string& method, const std::string& path,
                                const nlohmann::json& body = nullptr) {
    HttpRequest request;
    request.method = method;
    request.endpoint = cloud_->endpoint();
    request.path = "/_localcloud/" + path;
    request.headers.emplace_back("Content-Type", "application/json");
    if (!body.is_null()) request.body = body.dump();
    request.timeout = std::chrono::seconds(10);
    std::optional<Result<HttpResponse>> got;
    transport_->Send(std::move(request),
                     [&got](Result<HttpResponse> r) { got.emplace(std::move(r)); });
    if (!test_support::RunUntil(
            io_, [&] { return got.has_value(); }, std::chrono::seconds(15))) {
      return Status::DeadlineExceeded("no answer from the control endpoint");
    }
    if (!got->ok()) return got->status();
    ControlAnswer answer;
    answer.status = got->value().status;
    answer.body = nlohmann::json::parse(got->value().body, nullptr, false);
    return answer;
  }

  // POSTs `body` to the control endpoint and expects a 2xx.
  void ControlOk(const std::string& path, const nlohmann::json& body) {
    Result<ControlAnswer> answer = Control("POST", path, body);
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    ASSERT_GE(answer->status, 200) << answer->body.dump();
    ASSERT_LT(answer->status, 300) << answer->body.dump();
  }

  // The subnet ids of the region's default VPC, sorted (EC2 DescribeSubnets
  // over the Query protocol, read here with pugixml to keep these tests
  // independent of the EC2 client).
  std::vector<std::string> DefaultSubnets() {
    auto got = Call<AwsClient::XmlDocument>([&](auto done) {
      client_->CallQuery(services::kEc2, "DescribeSubnets",
                         {{"Filter.1.Name", "default-for-az"}, {"Filter.1.Value.1", "true"}},
                         std::move(done));
    });
    std::vector<std::string> subnets;
    if (!got.ok()) {
      ADD_FAILURE() << got.status().ToString();
      return subnets;
    }
    for (const pugi::xpath_node& node :
         got.value()->select_nodes("//*[local-name()='subnetSet']/*[local-name()='item']/"
                                   "*[local-name()='subnetId']")) {
      subnets.push_back(node.node().child_value());
    }
    std::sort(subnets.begin(), subnets.end());
    return subnets;
  }

  static inline test_support::LocalCloudServer* cloud_ = nullptr;
  static inline Status* start_status_ = nullptr;

  asio::io_context io_;
  EnvCredentialsProvider credentials_{Environment::FromMap(
      {{"AWS_ACCESS_KEY_ID", "AKIDMOTO"}, {"AWS_SECRET_ACCESS_KEY", "moto-secret"}})};
  SystemClock clock_;
  std::unique_ptr<CurlHttpTransport> transport_;
  std::unique_ptr<AwsClient> client_;
};

}  // namespace wharf::aws::test
