#pragma once

#include <string>

#include "common/aws/aws_service.h"
#include "common/aws/endpoint_url.h"
#include "common/aws/environment.h"
#include "common/base/result.h"

namespace wharf::aws {

// Where to send a service's requests and how to sign them.
struct ResolvedEndpoint {
  EndpointUrl url;
  std::string signing_region;
  std::string signing_name;
  // What decided the URL: "AWS_ENDPOINT_URL_ECS", "AWS_ENDPOINT_URL",
  // "config", "default".
  std::string source;
};

// Resolves a service's endpoint, first found of:
//   1. AWS_ENDPOINT_URL_<SERVICE_ID> (service id upper-cased, spaces -> '_'),
//   2. AWS_ENDPOINT_URL,
//   3. the explicit override from Wharf's config (aws.endpoint_url),
//   4. https://<endpoint-prefix>.<region>.amazonaws.com (global services:
//      their one host).
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true skips 1 and 2. Global services
// (IAM) sign for their fixed region whatever the URL. Immutable; thread-safe.
class EndpointResolver {
 public:
  explicit EndpointResolver(Environment env, std::string explicit_endpoint_url = "");

  // kInvalidArgument for a malformed configured URL or an empty region.
  Result<ResolvedEndpoint> Resolve(const AwsService& service, const std::string& region) const;

  // "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2" for "Elastic Load Balancing v2".
  static std::string ServiceEnvVar(const AwsService& service);

 private:
  const Environment env_;
  const std::string explicit_endpoint_url_;
};

}  // namespace wharf::aws
