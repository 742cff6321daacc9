#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/aws/credentials.h"
#include "common/aws/http_request.h"
#include "common/base/result.h"

namespace wharf::aws {

// AWS Signature Version 4, header-based, canonicalized the way botocore does
// it (botocore.auth.SigV4Auth / S3SigV4Auth):
//  - path: dot segments and empty segments removed, then the (already
//    encoded) path is UriEncoded again keeping '/' (double encoding); for s3
//    the path is signed as is;
//  - query: keys and values UriEncoded, sorted by key then value (repeated
//    keys allowed);
//  - headers: names lower-cased, values trimmed with inner whitespace runs
//    collapsed to one space, repeated names joined with ','; hop-by-hop
//    headers, User-Agent, Expect and X-Amzn-Trace-Id are not signed; Host is
//    taken from the endpoint when the request has none;
//  - payload: hex SHA-256 of the body (or the request's x-amz-content-sha256);
//    for s3 the x-amz-content-sha256 header is added and signed.
// Existing Authorization, X-Amz-Date, Date and X-Amz-Security-Token headers of
// the input are ignored (replaced).
//
// Sign() is a function of its inputs; the only state is a cache of derived
// signing keys (one per secret, day, region and service). Thread-safe.
class SigV4Signer {
 public:
  struct Signature {
    // Headers to add to the request: X-Amz-Date, X-Amz-Security-Token (with
    // a session token), X-Amz-Content-SHA256 (s3), Authorization.
    HttpHeaders headers;
    std::string authorization;
    // For debugging signature mismatches. Contain no secret (the session
    // token does appear in the canonical request).
    std::string canonical_request;
    std::string string_to_sign;
  };

  SigV4Signer() = default;
  SigV4Signer(const SigV4Signer&) = delete;
  SigV4Signer& operator=(const SigV4Signer&) = delete;

  // Signs `request` for `service` (the signing name, e.g. "ecs") in `region`
  // at `unix_seconds`. kInvalidArgument for incomplete credentials or a bad
  // endpoint.
  Result<Signature> Sign(const HttpRequest& request, const Credentials& credentials,
                         std::string_view region, std::string_view service,
                         int64_t unix_seconds) const;

  // Sign(), then replaces the request's auth headers with the new ones.
  Status SignInPlace(HttpRequest& request, const Credentials& credentials, std::string_view region,
                     std::string_view service, int64_t unix_seconds) const;

  // Number of signing keys derived (not served from the cache); for tests.
  int64_t keys_derived() const;

 private:
  struct CachedKey {
    std::string date;
    std::string region;
    std::string service;
    std::string secret;
    std::string key;  // 32 raw bytes
  };

  std::string SigningKey(const std::string& secret, const std::string& date,
                         std::string_view region, std::string_view service) const;

  mutable std::mutex mu_;
  mutable std::vector<CachedKey> cache_;  // guarded by mu_; all of one date
  mutable int64_t keys_derived_ = 0;      // guarded by mu_
};

}  // namespace wharf::aws
