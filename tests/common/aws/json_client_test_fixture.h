#pragma once

// A fixture for unit tests of the JSON services' typed clients:
// FakeTransportClientTest with scripted JSON answers and readers of the
// requests' bodies and targets.

#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "tests/common/aws/fake_transport_client_fixture.h"

namespace wharf::aws::test {

class JsonClientTest : public FakeTransportClientTest {
 protected:
  // Queues the answer to the next request.
  void Respond(std::string body, int status = 200) {
    transport_.EnqueueResponse(status, std::move(body),
                               {{"content-type", "application/x-amz-json-1.1"},
                                {"x-amzn-requestid", "req-" + std::to_string(++responses_)}});
  }
  void RespondJson(const nlohmann::json& body, int status = 200) { Respond(body.dump(), status); }

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

  int responses_ = 0;
};

}  // namespace wharf::aws::test
