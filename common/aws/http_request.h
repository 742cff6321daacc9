#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wharf::aws {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// An HTTP request as the AWS client builds it, before and after signing.
struct HttpRequest {
  std::string method = "GET";
  // Origin: "https://ecs.us-east-1.amazonaws.com" (see EndpointUrl).
  std::string endpoint;
  // Path as sent on the wire: starts with '/', already percent-encoded.
  std::string path = "/";
  // Query parameters, not encoded; sent in this order, signed sorted.
  QueryParams query;
  // In order; names as given (matching is case-insensitive).
  HttpHeaders headers;
  std::string body;
  // Total time allowed for this request; zero: the transport's default.
  std::chrono::milliseconds timeout{0};

  // endpoint + path + "?" + encoded query.
  std::string Url() const;
  // Value of the first header named `name` (case-insensitive), or nullptr.
  const std::string* FindHeader(std::string_view name) const;
  // Removes every header named `name` (case-insensitive).
  void RemoveHeader(std::string_view name);
};

}  // namespace wharf::aws
