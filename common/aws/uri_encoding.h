#pragma once

#include <string>
#include <string_view>

#include "common/aws/http_request.h"

namespace wharf::aws {

// Percent-encodes every byte except RFC 3986 unreserved characters
// (A-Z a-z 0-9 - _ . ~), and '/' too when `keep_slash`. Hex is upper-case.
// This is SigV4's UriEncode and what query strings and form bodies use.
std::string UriEncode(std::string_view in, bool keep_slash = false);

// "k1=v1&k2=v2" with keys and values UriEncoded, in the given order. Used for
// query strings and application/x-www-form-urlencoded bodies.
std::string EncodeQuery(const QueryParams& params);

}  // namespace wharf::aws
