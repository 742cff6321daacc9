#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "common/aws/api_rate_limiter.h"
#include "common/aws/aws_service.h"
#include "common/aws/credentials_provider.h"
#include "common/aws/endpoint_resolver.h"
#include "common/aws/http_transport.h"
#include "common/aws/outcome.h"
#include "common/aws/retry_policy.h"
#include "common/aws/retry_quota.h"
#include "common/aws/sigv4_signer.h"
#include "common/base/asio.h"
#include "common/base/clock.h"

namespace wharf::aws {

// Calls AWS APIs: builds the request for the service's protocol (JSON 1.1 or
// Query), resolves the endpoint, and for each attempt waits for a token of
// the API's client-side rate buckets (Options::rate_limiter, shared by the
// process), gets credentials (CredentialsProvider::GetCredentialsAsync),
// signs (SigV4, time from `clock`) and sends through the transport; it turns
// the answer into an Outcome. Failures are retried like the AWS SDKs'
// standard mode: a retryable error (aws_errors) is retried while attempts
// remain (RetryPolicy: 3 in all by default, full-jitter backoff capped at
// 20 s, waited on an asio::steady_timer, jitter from Options::random) and the
// retry quota (RetryQuota) has units left; otherwise the error reaches the
// caller, naming service, operation, code, message and request id.
//
// Threading: Call*() may be called from any thread; the work and every
// callback run on the io thread (never inside Call*()). Construct and destroy
// on the io thread; the transport, the credentials provider, the clock, the
// retry quota and the rate limiter must outlive the client, and the
// transport, a remote credentials provider and the rate limiter must be
// bound to the same io_context. Destroying the client abandons calls in
// flight: their callbacks are not called.
class AwsClient {
 public:
  struct Options {
    // Required: the region requests go to (see ResolveRegion).
    std::string region;
    RetryPolicy::Options retry;
    // Uniform numbers in [0, 1) for backoff jitter; default: a generator
    // seeded from std::random_device.
    std::function<double()> random;
    // Time allowed for each attempt; zero: the transport's default.
    std::chrono::milliseconds attempt_timeout{0};
    std::string user_agent = "wharf/0.1";
    // The retry quota, shared by the clients given the same one; nullptr:
    // this client has its own (RetryQuota::Options defaults).
    RetryQuota* retry_quota = nullptr;
    // Client-side per-API token buckets, one per process for all its
    // clients; nullptr: attempts are sent without waiting.
    ApiRateLimiter* rate_limiter = nullptr;
  };

  using XmlDocument = std::shared_ptr<const pugi::xml_document>;
  using JsonCallback = std::function<void(Outcome<nlohmann::json>)>;
  using XmlCallback = std::function<void(Outcome<XmlDocument>)>;

  AwsClient(asio::io_context& io, HttpTransport& transport, CredentialsProvider& credentials,
            EndpointResolver endpoints, const Clock& clock, Options options);
  ~AwsClient();
  AwsClient(const AwsClient&) = delete;
  AwsClient& operator=(const AwsClient&) = delete;

  // JSON 1.1 protocol: POST / with X-Amz-Target <TargetPrefix>.<operation> and
  // `input` as the body. `done` gets the response object ({} for an empty
  // body). Precondition: service.protocol == kJson.
  void CallJson(const AwsService& service, std::string operation, nlohmann::json input,
                JsonCallback done);

  // Query protocol (and EC2's): POST / with Action=<operation>&Version=<api
  // version>&<params> form-encoded. `done` gets the parsed XML response.
  // Precondition: service.protocol is kQuery or kEc2.
  void CallQuery(const AwsService& service, std::string operation, QueryParams params,
                 XmlCallback done);

  const std::string& region() const { return options_.region; }
  asio::io_context& io() { return io_; }
  // HTTP attempts sent so far (retries included). io thread only.
  int64_t attempts_sent() const { return attempts_sent_; }
  // Retries decided so far (each waits out its backoff, then is sent), and
  // how many followed a throttling error. io thread only.
  int64_t retries() const { return retries_; }
  int64_t throttling_retries() const { return throttling_retries_; }
  // Retryable errors returned because the retry quota was short. io thread
  // only.
  int64_t retries_refused_by_quota() const { return retries_refused_by_quota_; }
  RetryQuota& retry_quota() { return *quota_; }

 private:
  struct Call;
  using RawCallback = std::function<void(Outcome<HttpResponse>)>;

  void Start(const AwsService& service, std::string operation, std::string content_type,
             std::string target, std::string body, RawCallback done);
  void Attempt(const std::shared_ptr<Call>& call);
  void WithCredentials(const std::shared_ptr<Call>& call);
  void SignAndSend(const std::shared_ptr<Call>& call, Result<Credentials> credentials);
  void OnResponse(const std::shared_ptr<Call>& call, Result<HttpResponse> result);
  void OnFailure(const std::shared_ptr<Call>& call, v1::Error error);
  void Finish(const std::shared_ptr<Call>& call, Outcome<HttpResponse> outcome);

  asio::io_context& io_;
  HttpTransport& transport_;
  CredentialsProvider& credentials_;
  const EndpointResolver endpoints_;
  const Clock& clock_;
  const Options options_;
  const RetryPolicy retry_;
  std::unique_ptr<RetryQuota> own_quota_;  // when Options::retry_quota is null
  RetryQuota* const quota_;                // not null
  std::function<double()> random_;         // io thread only
  SigV4Signer signer_;
  // Calls started and not finished, by id; io thread only.
  std::map<uint64_t, std::weak_ptr<Call>> in_flight_;
  uint64_t next_call_id_ = 1;  // io thread only
  // io thread only:
  int64_t attempts_sent_ = 0;
  int64_t retries_ = 0;
  int64_t throttling_retries_ = 0;
  int64_t retries_refused_by_quota_ = 0;
  // Expires when the client is destroyed; handlers hold weak references.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace wharf::aws
