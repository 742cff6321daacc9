#pragma once

#include <string>
#include <string_view>

#include "common/aws/http_request.h"

namespace wharf::aws {

// An HTTP response: status, headers (names lower-cased) and body.
struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;

  // Value of the first header named `name` (lower-case), or nullptr.
  const std::string* FindHeader(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n == name) return &v;
    }
    return nullptr;
  }
};

}  // namespace wharf::aws
