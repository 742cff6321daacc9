#include "common/aws/aws_client.h"

#include <optional>
#include <random>
#include <utility>

#include "common/aws/aws_errors.h"
#include "common/aws/uri_encoding.h"
#include "common/base/logging.h"

namespace wharf::aws {

struct AwsClient::Call {
  AwsService service;
  std::string operation;
  std::string content_type;
  std::string target;  // X-Amz-Target; empty for Query
  std::string body;
  RawCallback done;
  uint64_t id = 0;
  int attempt = 0;  // attempts started
  // Units the last retry took from the retry quota (0: not retried).
  int last_retry_cost = 0;
  std::optional<ResolvedEndpoint> endpoint;  // resolved at the first attempt
  std::unique_ptr<asio::steady_timer> backoff;
};

AwsClient::AwsClient(asio::io_context& io, HttpTransport& transport,
                     CredentialsProvider& credentials, EndpointResolver endpoints,
                     const Clock& clock, Options options)
    : io_(io),
      transport_(transport),
      credentials_(credentials),
      endpoints_(std::move(endpoints)),
      clock_(clock),
      options_(std::move(options)),
      retry_(options_.retry),
      own_quota_(options_.retry_quota == nullptr ? std::make_unique<RetryQuota>() : nullptr),
      quota_(options_.retry_quota != nullptr ? options_.retry_quota : own_quota_.get()),
      random_(options_.random) {
  if (!random_) {
    auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
    random_ = [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
  }
}

AwsClient::~AwsClient() {
  alive_.reset();
  for (auto& [id, weak] : in_flight_) {
    if (auto call = weak.lock(); call && call->backoff) call->backoff->cancel();
  }
}

void AwsClient::CallJson(const AwsService& service, std::string operation, nlohmann::json input,
                         JsonCallback done) {
  std::string target = std::string(service.target_prefix) + "." + operation;
  std::string body = input.is_null() ? "{}" : input.dump();
  auto on_raw = [service, operation, done = std::move(done)](Outcome<HttpResponse> raw) {
    if (!raw.ok()) {
      done(raw.error());
      return;
    }
    const HttpResponse& response = raw.value();
    if (response.body.find_first_not_of(" \t\r\n") == std::string::npos) {
      done(nlohmann::json::object());
      return;
    }
    auto json = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object()) {
      done(ClientError(service, operation, "MalformedResponse", "response is not a JSON object",
                       response.status, RequestIdFromHeaders(response)));
      return;
    }
    done(std::move(json));
  };
  Start(service, std::move(operation), "application/x-amz-json-1.1", std::move(target),
        std::move(body), std::move(on_raw));
}

void AwsClient::CallQuery(const AwsService& service, std::string operation, QueryParams params,
                          XmlCallback done) {
  QueryParams form;
  form.reserve(params.size() + 2);
  form.emplace_back("Action", operation);
  form.emplace_back("Version", std::string(service.api_version));
  for (auto& p : params) form.push_back(std::move(p));
  auto on_raw = [service, operation, done = std::move(done)](Outcome<HttpResponse> raw) {
    if (!raw.ok()) {
      done(raw.error());
      return;
    }
    const HttpResponse& response = raw.value();
    auto doc = std::make_shared<pugi::xml_document>();
    pugi::xml_parse_result parsed = doc->load_buffer(response.body.data(), response.body.size());
    if (!parsed) {
      done(ClientError(service, operation, "MalformedResponse",
                       std::string("response is not XML: ") + parsed.description(), response.status,
                       RequestIdFromHeaders(response)));
      return;
    }
    done(XmlDocument(std::move(doc)));
  };
  Start(service, std::move(operation), "application/x-www-form-urlencoded; charset=utf-8", "",
        EncodeQuery(form), std::move(on_raw));
}

void AwsClient::Start(const AwsService& service, std::string operation, std::string content_type,
                      std::string target, std::string body, RawCallback done) {
  auto call = std::make_shared<Call>();
  call->service = service;
  call->operation = std::move(operation);
  call->content_type = std::move(content_type);
  call->target = std::move(target);
  call->body = std::move(body);
  call->done = std::move(done);
  asio::post(io_, [this, alive = std::weak_ptr<int>(alive_), call] {
    if (alive.expired()) return;
    call->id = next_call_id_++;
    in_flight_[call->id] = call;
    Attempt(call);
  });
}

void AwsClient::Attempt(const std::shared_ptr<Call>& call) {
  ++call->attempt;
  if (!call->endpoint) {
    if (options_.region.empty() && call->service.global_endpoint_host.empty()) {
      Finish(call, ClientError(call->service, call->operation, "MissingRegion",
                               "no AWS region configured"));
      return;
    }
    auto endpoint = endpoints_.Resolve(call->service, options_.region);
    if (!endpoint.ok()) {
      Finish(call, ClientError(call->service, call->operation, "InvalidEndpoint",
                               endpoint.status().message()));
      return;
    }
    call->endpoint = std::move(endpoint).value();
  }
  if (options_.rate_limiter == nullptr) {
    WithCredentials(call);
    return;
  }
  // Buckets are per region as AWS's are: the signing region (IAM's is
  // us-east-1 whatever the client's).
  options_.rate_limiter->Acquire(call->endpoint->signing_region, call->service.signing_name,
                                 call->operation, [this, alive = std::weak_ptr<int>(alive_), call] {
                                   if (!alive.expired()) WithCredentials(call);
                                 });
}

void AwsClient::WithCredentials(const std::shared_ptr<Call>& call) {
  credentials_.GetCredentialsAsync(
      [this, alive = std::weak_ptr<int>(alive_), call](Result<Credentials> credentials) {
        if (!alive.expired()) SignAndSend(call, std::move(credentials));
      });
}

void AwsClient::SignAndSend(const std::shared_ptr<Call>& call, Result<Credentials> credentials) {
  if (!credentials.ok()) {
    // A source that is missing or broken is terminal; one that is being
    // fetched or could not be reached (container credentials) may come.
    const bool transient = credentials.status().retryable();
    v1::Error error = ClientError(call->service, call->operation,
                                  transient ? "CredentialsUnavailable" : "MissingCredentials",
                                  credentials.status().message());
    error.set_retryable(transient);
    OnFailure(call, std::move(error));
    return;
  }
  const ResolvedEndpoint& endpoint = *call->endpoint;
  HttpRequest request;
  request.method = "POST";
  request.endpoint = endpoint.url.ToString();
  request.path = "/";
  request.headers.emplace_back("Content-Type", call->content_type);
  if (!call->target.empty()) request.headers.emplace_back("X-Amz-Target", call->target);
  request.headers.emplace_back("User-Agent", options_.user_agent);
  request.body = call->body;
  request.timeout = options_.attempt_timeout;
  Status signed_ok = signer_.SignInPlace(request, credentials.value(), endpoint.signing_region,
                                         endpoint.signing_name, clock_.NowUnixMs() / 1000);
  if (!signed_ok.ok()) {
    Finish(call, ClientError(call->service, call->operation, "SigningFailed", signed_ok.message()));
    return;
  }
  ++attempts_sent_;
  transport_.Send(std::move(request),
                  [this, alive = std::weak_ptr<int>(alive_), call](Result<HttpResponse> result) {
                    if (alive.expired()) return;
                    OnResponse(call, std::move(result));
                  });
}

void AwsClient::OnResponse(const std::shared_ptr<Call>& call, Result<HttpResponse> result) {
  if (result.ok() && options_.rate_limiter != nullptr) {
    // AWS has counted the call: the API's buckets may start refilling.
    options_.rate_limiter->Answered(call->endpoint->signing_region, call->service.signing_name,
                                    call->operation);
  }
  if (!result.ok()) {
    OnFailure(call, TransportError(call->service, call->operation, result.status()));
  } else if (result->status >= 200 && result->status < 300) {
    quota_->OnSuccess(call->last_retry_cost);
    Finish(call, std::move(result).value());
  } else {
    OnFailure(call, ParseErrorResponse(call->service, call->operation, result.value()));
  }
}

void AwsClient::OnFailure(const std::shared_ptr<Call>& call, v1::Error error) {
  if (!retry_.ShouldRetry(error, call->attempt)) {
    Finish(call, std::move(error));
    return;
  }
  const int cost = quota_->AcquireForRetry(error);
  if (cost == 0) {
    ++retries_refused_by_quota_;
    Logger("aws")->debug("{}; not retried: the retry quota is spent", FormatError(error));
    Finish(call, std::move(error));
    return;
  }
  call->last_retry_cost = cost;
  ++retries_;
  if (IsThrottlingErrorCode(error.code())) ++throttling_retries_;
  const auto delay = retry_.Delay(call->attempt, random_());
  Logger("aws")->debug("{} (attempt {}); retrying in {} ms", FormatError(error), call->attempt,
                       delay.count());
  call->backoff = std::make_unique<asio::steady_timer>(io_, delay);
  call->backoff->async_wait(
      [this, alive = std::weak_ptr<int>(alive_), call](const boost::system::error_code& ec) {
        if (ec || alive.expired()) return;
        Attempt(call);
      });
}

void AwsClient::Finish(const std::shared_ptr<Call>& call, Outcome<HttpResponse> outcome) {
  in_flight_.erase(call->id);
  RawCallback done = std::move(call->done);
  call->done = nullptr;
  if (done) done(std::move(outcome));
}

}  // namespace wharf::aws
