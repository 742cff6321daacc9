#pragma once

// A fixture for unit tests of the Query/EC2 typed clients: an AwsClient on a
// FakeHttpTransport (scripted XML answers, requests recorded), a FakeClock
// and no backoff waits.

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "common/aws/aws_client.h"
#include "common/aws/aws_errors.h"
#include "common/aws/env_credentials_provider.h"
#include "common/aws/fake_http_transport.h"
#include "common/base/fake_clock.h"
#include "tests/support/run_until.h"

namespace wharf::aws::test {

// Decodes one application/x-www-form-urlencoded component.
inline std::string FormDecode(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(in[i] == '+' ? ' ' : in[i]);
    }
  }
  return out;
}

// The parameters of a form body, in order.
inline QueryParams ParseForm(const std::string& body) {
  QueryParams params;
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    std::string_view pair(body.data() + start, end - start);
    size_t eq = pair.find('=');
    params.emplace_back(FormDecode(pair.substr(0, eq)),
                        eq == std::string_view::npos ? "" : FormDecode(pair.substr(eq + 1)));
    start = end + 1;
  }
  return params;
}

inline QueryParams Sorted(QueryParams params) {
  std::sort(params.begin(), params.end());
  return params;
}

class QueryClientTest : public ::testing::Test {
 protected:
  QueryClientTest()
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
    transport_.EnqueueResponse(status, std::move(body), {{"Content-Type", "text/xml"}});
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

  // The form parameters of the `index`-th request sent.
  QueryParams Sent(size_t index = 0) const {
    auto requests = transport_.requests();
    if (index >= requests.size()) return {};
    return ParseForm(requests[index].body);
  }

  // The parameters of the `index`-th request but Action and Version.
  QueryParams SentArguments(size_t index = 0) const {
    QueryParams params = Sent(index);
    std::erase_if(params,
                  [](const auto& p) { return p.first == "Action" || p.first == "Version"; });
    return params;
  }

  std::string SentAction(size_t index = 0) const {
    for (const auto& [k, v] : Sent(index)) {
      if (k == "Action") return v;
    }
    return "";
  }

  asio::io_context io_;
  FakeHttpTransport transport_;
  EnvCredentialsProvider credentials_;
  FakeClock clock_;
  std::unique_ptr<AwsClient> client_;
};

}  // namespace wharf::aws::test
