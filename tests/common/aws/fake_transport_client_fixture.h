#pragma once

// The base of the typed clients' unit tests: an AwsClient on a
// FakeHttpTransport (scripted answers, requests recorded), a FakeClock and no
// backoff waits. JsonClientTest and QueryClientTest add their protocol's
// answers and request readers.

#include <chrono>
#include <memory>
#include <optional>
#include <utility>

#include <gtest/gtest.h>

#include "common/aws/aws_client.h"
#include "common/aws/aws_errors.h"
#include "common/aws/env_credentials_provider.h"
#include "common/aws/fake_http_transport.h"
#include "common/base/fake_clock.h"
#include "tests/support/run_until.h"

namespace wharf::aws::test {

class FakeTransportClientTest : public ::testing::Test {
 protected:
  FakeTransportClientTest()
      : transport_(io_),
        credentials_(Environment::FromMap(
            {{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"}, {"AWS_SECRET_ACCESS_KEY", "secret"}})) {
    AwsClient::Options options;
    options.region = "eu-west-1";
    options.retry.base_delay = std::chrono::milliseconds(1);
    options.retry.max_delay = std::chrono::milliseconds(1);
    options.random = [] { return 0.0; };
    client_ = std::make_unique<AwsClient>(
        io_, transport_, credentials_, EndpointResolver(Environment::FromMap({})), clock_, options);
  }

  // Starts a call with `start(callback)` and runs the io_context until the
  // callback has run (bounded).
  template <typename T, typename Start>
  Outcome<T> Call(Start start) {
    std::optional<Outcome<T>> got;
    start([&got](Outcome<T> r) { got.emplace(std::move(r)); });
    test_support::RunUntil(
        io_, [&] { return got.has_value(); }, std::chrono::seconds(5));
    if (!got) return ClientError(services::kSts, "test", "Timeout", "no answer");
    return std::move(*got);
  }

  asio::io_context io_;
  FakeHttpTransport transport_;
  EnvCredentialsProvider credentials_;
  FakeClock clock_;
  std::unique_ptr<AwsClient> client_;
};

}  // namespace wharf::aws::test
