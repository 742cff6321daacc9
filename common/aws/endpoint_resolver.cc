#include "common/aws/endpoint_resolver.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace wharf::aws {
namespace {

bool IsTrue(const std::string& value) {
  std::string lower = value;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "true";
}

}  // namespace

EndpointResolver::EndpointResolver(Environment env, std::string explicit_endpoint_url)
    : env_(std::move(env)), explicit_endpoint_url_(std::move(explicit_endpoint_url)) {}

std::string EndpointResolver::ServiceEnvVar(const AwsService& service) {
  std::string name = "AWS_ENDPOINT_URL_";
  for (char c : service.service_id) {
    name +=
        c == ' ' || c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

Result<ResolvedEndpoint> EndpointResolver::Resolve(const AwsService& service,
                                                   const std::string& region) const {
  const bool global = !service.global_endpoint_host.empty();
  if (region.empty() && !global) {
    return Status::InvalidArgument("no region to resolve the " + std::string(service.service_id) +
                                   " endpoint");
  }
  ResolvedEndpoint out;
  out.signing_name = std::string(service.signing_name);
  out.signing_region = global ? std::string(service.global_signing_region) : region;

  std::string configured;
  if (!IsTrue(env_.GetOrEmpty("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))) {
    const std::string service_var = ServiceEnvVar(service);
    if (auto v = env_.Get(service_var); v && !v->empty()) {
      configured = *v;
      out.source = service_var;
    } else if (auto all = env_.Get("AWS_ENDPOINT_URL"); all && !all->empty()) {
      configured = *all;
      out.source = "AWS_ENDPOINT_URL";
    }
  }
  if (configured.empty() && !explicit_endpoint_url_.empty()) {
    configured = explicit_endpoint_url_;
    out.source = "config";
  }
  if (!configured.empty()) {
    auto url = EndpointUrl::Parse(configured);
    if (!url.ok()) {
      return Status::InvalidArgument(out.source + ": " + url.status().message());
    }
    out.url = std::move(url).value();
    return out;
  }
  out.source = "default";
  out.url.scheme = "https";
  out.url.host = global ? std::string(service.global_endpoint_host)
                        : std::string(service.endpoint_prefix) + "." + region + ".amazonaws.com";
  return out;
}

}  // namespace wharf::aws
