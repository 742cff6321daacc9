#pragma once

// The base of the typed clients' tests against the local cloud (localcloud/):
// one cloud per test suite (started in SetUpTestSuite, reset before each
// test), a fresh AwsClient on a CurlHttpTransport per test, calls run to
// completion on the test's io_context, bounded polling, the control endpoint
// (/_localcloud/...), and the AWS CLI as an independent check.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/aws/aws_client.h"
#include "common/aws/aws_errors.h"
#include "common/aws/curl_http_transport.h"
#include "common/aws/env_credentials_provider.h"
#include "common/base/clock.h"
#include "tests/support/local_cloud_server.h"
#include "tests/support/run_command.h"
#include "tests/support/run_until.h"

namespace wharf::aws::test {

inline constexpr char kLocalCloudRegion[] = "us-east-1";

class LocalCloudClientTest : public ::testing::Test {
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
    options.region = kLocalCloudRegion;
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
    if (!got) return ClientError(services::kSts, "test", "Timeout", "no answer");
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

  // POSTs `body` to the local cloud's control endpoint (/_localcloud/<path>)
  // and expects a 2xx, e.g. ControlOk("clock", {{"speed", 60}}).
  void ControlOk(const std::string& path, const nlohmann::json& body) {
    Result<nlohmann::json> answer = cloud_->ControlJson("POST", path, body);
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  }

  // The AWS CLI pointed at the local cloud, as an independent check.
  test_support::CommandResult AwsCli(const std::string& args) {
    return test_support::RunCommand(
        "env AWS_ACCESS_KEY_ID=AKIDMOTO AWS_SECRET_ACCESS_KEY=moto-secret "
        "AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER= "
        "aws --region " +
        std::string(kLocalCloudRegion) + " --endpoint-url " + cloud_->endpoint() +
        " --output json " + args);
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
