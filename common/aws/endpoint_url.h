#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"

namespace wharf::aws {

// An endpoint's origin: "http(s)://host[:port]". Paths are not supported yet.
struct EndpointUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // lower-case; IPv6 literals without brackets
  int port = 0;        // 0: the scheme's default

  // Accepts "scheme://host[:port]" with an optional trailing '/'.
  static Result<EndpointUrl> Parse(std::string_view url);
  // "host" or "host:port" when the port is not the scheme's default: the
  // value of the Host header (and what SigV4 signs).
  std::string HostHeader() const;
  // "scheme://host[:port]".
  std::string ToString() const;
};

}  // namespace wharf::aws
