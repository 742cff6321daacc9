#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/aws/credentials_provider.h"
#include "common/aws/environment.h"
#include "common/aws/http_transport.h"
#include "common/base/asio.h"
#include "common/base/clock.h"

namespace wharf::aws {

// Credentials of an ECS task's role (also EKS Pod Identity and other
// container hosts), the way botocore's ContainerProvider gets them:
//   AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: GET http://169.254.170.2<uri>;
//   else AWS_CONTAINER_CREDENTIALS_FULL_URI: GET that URL, which must be
//     https, or http to a loopback address or to the ECS/EKS container hosts
//     (169.254.170.2, 169.254.170.23, fd00:ec2::23);
//   with the header "Authorization: <token>" when
//     AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read at every fetch: the token
//     rotates) or else AWS_CONTAINER_AUTHORIZATION_TOKEN is set.
// The answer is {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}.
//
// Credentials are cached and fetched again `refresh_before_expiry` before
// their Expiration: calls in that window keep signing with the cached ones
// while one fetch runs (a failed refresh is tried again at most every
// `refresh_retry_interval`); calls that find nothing valid wait for the
// fetch. A fetch tries `attempts` times on timeouts, connection errors, 429
// and 5xx, `retry_delay` apart.
//
// Threading: the state is guarded by a mutex, so GetCredentials() may be
// called from any thread; the fetch and the callbacks of
// GetCredentialsAsync() run on `io`'s thread. `transport` and `clock` must
// outlive the provider; destroying it drops pending callbacks. Secrets and
// the authorization token are never logged nor put in error messages.
class ContainerCredentialsProvider final : public CredentialsProvider {
 public:
  static constexpr char kRelativeUriEnv[] = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
  static constexpr char kFullUriEnv[] = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
  static constexpr char kTokenEnv[] = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
  static constexpr char kTokenFileEnv[] = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";

  struct Options {
    // Origin that AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is relative to.
    std::string ecs_endpoint = "http://169.254.170.2";
    // Each HTTP attempt.
    std::chrono::milliseconds timeout{2'000};
    int attempts = 3;
    std::chrono::milliseconds retry_delay{1'000};
    std::chrono::milliseconds refresh_before_expiry{5 * 60 * 1000};
    std::chrono::milliseconds refresh_retry_interval{30'000};
  };

  // Where credentials are fetched from; the path keeps any query string.
  struct Endpoint {
    std::string origin;  // "http://169.254.170.2"
    std::string path;    // "/v2/credentials/abc"
  };

  // Credentials and when they expire (unix ms; nullopt: never).
  struct Fetched {
    Credentials credentials;
    std::optional<int64_t> expires_unix_ms;
  };

  ContainerCredentialsProvider(asio::io_context& io, HttpTransport& transport, const Clock& clock,
                               Environment env);
  ContainerCredentialsProvider(asio::io_context& io, HttpTransport& transport, const Clock& clock,
                               Environment env, Options options);
  ~ContainerCredentialsProvider() override;
  ContainerCredentialsProvider(const ContainerCredentialsProvider&) = delete;
  ContainerCredentialsProvider& operator=(const ContainerCredentialsProvider&) = delete;

  // The cached credentials while valid. kNotFound when neither URI variable
  // is set; kInvalidArgument for a URI that is not allowed; kUnavailable
  // (starting a fetch) when nothing valid is cached.
  Result<Credentials> GetCredentials() override;
  void GetCredentialsAsync(Callback done) override;

  // HTTP requests sent so far.
  int64_t requests_sent() const;

  // The endpoint the variables name. kNotFound when neither is set. Pure.
  static Result<Endpoint> ResolveEndpoint(const Environment& env, std::string_view ecs_endpoint);
  // A 200 answer's body. Pure; the error names no value from the body.
  static Result<Fetched> ParseCredentials(std::string_view body);
  // "2024-01-02T03:04:05Z" (fractions and a +00:00 / -hh:mm offset allowed)
  // -> unix ms. Pure.
  static Result<int64_t> ParseIso8601(std::string_view text);

 private:
  struct Fetch;

  bool ValidAt(int64_t now_ms) const;       // requires mu_
  bool NeedsRefresh(int64_t now_ms) const;  // requires mu_
  void StartFetchLocked();                  // requires mu_
  void SendAttempt(const std::shared_ptr<Fetch>& fetch);
  void OnAnswer(const std::shared_ptr<Fetch>& fetch, Result<HttpResponse> answer);
  void Complete(Result<Fetched> result);
  Result<std::string> AuthorizationToken() const;

  asio::io_context& io_;
  HttpTransport& transport_;
  const Clock& clock_;
  const Environment env_;
  const Options options_;
  const Result<Endpoint> endpoint_;

  mutable std::mutex mu_;
  std::optional<Fetched> cached_;     // guarded by mu_
  bool fetching_ = false;             // guarded by mu_
  int64_t next_refresh_unix_ms_ = 0;  // guarded by mu_; after a failed refresh
  std::vector<Callback> waiters_;     // guarded by mu_
  int64_t requests_sent_ = 0;         // guarded by mu_
  // Expires with the provider; handlers hold weak references.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace wharf::aws
