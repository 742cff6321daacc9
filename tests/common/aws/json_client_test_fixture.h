#pragma once

// A fixture for unit tests of the JSON services' typed clients: an AwsClient
// on a FakeHttpTransport (scripted JSON answers, requests recorded), a
// FakeClock and no backoff waits.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/aws/aws_client.h"
#include "common/aws/aws_errors.h"
#include "common/aws/env_credentials_provider.h"
#include "common/aws/fake_http_transport.h"
#include "common/base/fake_clock.h"
#include "tests/support/run_until.h"

namespace wharf::aws::test {

class JsonClientTest : public ::testing::Test {
 protected:
  JsonClientTest()
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

  // Queues the answer to the next request.
  void Respond(std::string body, int status = 200) {
    transport_.EnqueueResponse(status, std::move(body),
                               {{"content-type", "application/x-amz-json-1.1"},
                                {"x-amzn-requestid", "req-" + std::to_string(++responses_)}});
  }
  void RespondJson(const nlohmann::json& body, int status = 200) { Respond(body.dump(), status); }

  // Starts a call with `start(callback)` and runs the io_context until the
  // callback has run (bounded).
  template <typename T, typename Start>
  Outcome<T> Call(Start start) {
    std::optional<Outcome<T>> got;
    start([&got](Outcome<T> r) { got.emplace(std::move(r)); });
    test_support::RunUntil(
        io_, [&] { return got.has_value(); }, std::chrono::seconds(5));
    if (!got) return ClientError(services::kEcs, "test", "Timeout", "no answer");
    return std::move(*got);
  }

  // The body of request `i` (in sending order), parsed.
  nlohmann::json Body(size_t i) const {
    return nlohmann::json::parse(transport_.requests().at(i).body);
  }
  // The X-Amz-Target of request `i`.
  std::string Target(size_t i) const {
    const HttpRequest request = transport_.requests().at(i);
    const std::string* target = request.FindHeader("X-Amz-Target");
    return target == nullptr ? "" : *target;
  }

  asio::io_context io_;
  FakeHttpTransport transport_;
  EnvCredentialsProvider credentials_;
  FakeClock clock_;
  std::unique_ptr<AwsClient> client_;
  int responses_ = 0;
};

}  // namespace wharf::aws::test
