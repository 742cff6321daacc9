#pragma once

// A fixture for tests of the Query/EC2 typed clients against the local cloud
// (localcloud/): one cloud per test suite (started in SetUpTestSuite, reset
// before each test), a fresh AwsClient on a CurlHttpTransport per test, the
// control endpoint, and the AWS CLI as an independent check.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <gtest/gtest.h>

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

class QueryLocalCloudTest : public ::testing::Test {
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

  // POSTs `body` (JSON) to the local cloud's control endpoint
  // (/_localcloud/<path>) and expects a 2xx, e.g.
  // ControlOk("clock", R"({"advance_seconds": 300})").
  void ControlOk(const std::string& path, const std::string& body) {
    HttpRequest request;
    request.method = "POST";
    request.endpoint = cloud_->endpoint();
    request.path = "/_localcloud/" + path;
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body;
    request.timeout = std::chrono::seconds(10);
    std::optional<Result<HttpResponse>> got;
    transport_->Send(std::move(request),
                     [&got](Result<HttpResponse> r) { got.emplace(std::move(r)); });
    ASSERT_TRUE(test_support::RunUntil(
        io_, [&] { return got.has_value(); }, std::chrono::seconds(15)));
    ASSERT_TRUE(got->ok()) << got->status().ToString();
    ASSERT_GE(got->value().status, 200) << got->value().body;
    ASSERT_LT(got->value().status, 300) << got->value().body;
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
