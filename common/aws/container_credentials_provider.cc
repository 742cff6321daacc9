#include "common/aws/container_credentials_provider.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/aws/endpoint_url.h"
#include "common/base/logging.h"

namespace wharf::aws {
namespace {

// Hosts a FULL_URI may name over plain http, besides loopback addresses:
// botocore's ContainerMetadataFetcher list (ECS and EKS Pod Identity agents).
constexpr std::string_view kContainerHosts[] = {"169.254.170.2", "169.254.170.23", "fd00:ec2::23",
                                                "localhost"};

bool IsLoopback(const std::string& host) {
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

std::string TrimRight(std::string s) {
  while (!s.empty() &&
         (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) {
    s.pop_back();
  }
  return s;
}

// Code and message of an error answer ({"code": ..., "message": ...} from the
// ECS agent), never the body itself.
std::string DescribeErrorBody(std::string_view body) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return "";
  std::string out;
  for (const char* key : {"code", "Code"}) {
    if (auto it = json.find(key); it != json.end() && it->is_string()) {
      out = it->get<std::string>();
      break;
    }
  }
  for (const char* key : {"message", "Message"}) {
    if (auto it = json.find(key); it != json.end() && it->is_string()) {
      out += (out.empty() ? "" : ": ") + it->get<std::string>();
      break;
    }
  }
  return out;
}

std::string IsoTime(int64_t unix_ms) {
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

struct ContainerCredentialsProvider::Fetch {
  int attempt = 0;
  std::unique_ptr<asio::steady_timer> delay;
};

ContainerCredentialsProvider::ContainerCredentialsProvider(asio::io_context& io,
                                                           HttpTransport& transport,
                                                           const Clock& clock, Environment env)
    : ContainerCredentialsProvider(io, transport, clock, std::move(env), Options()) {}

ContainerCredentialsProvider::ContainerCredentialsProvider(asio::io_context& io,
                                                           HttpTransport& transport,
                                                           const Clock& clock, Environment env,
                                                           Options options)
    : io_(io),
      transport_(transport),
      clock_(clock),
      env_(std::move(env)),
      options_(std::move(options)),
      endpoint_(ResolveEndpoint(env_, options_.ecs_endpoint)) {}

ContainerCredentialsProvider::~ContainerCredentialsProvider() { alive_.reset(); }

Result<ContainerCredentialsProvider::Endpoint> ContainerCredentialsProvider::ResolveEndpoint(
    const Environment& env, std::string_view ecs_endpoint) {
  const std::string relative = env.GetOrEmpty(kRelativeUriEnv);
  if (!relative.empty()) {
    if (relative[0] != '/') {
      return Status::InvalidArgument(std::string(kRelativeUriEnv) + " must start with '/'");
    }
    return Endpoint{std::string(ecs_endpoint), relative};
  }
  const std::string full = env.GetOrEmpty(kFullUriEnv);
  if (full.empty()) {
    return Status::NotFound(std::string(kRelativeUriEnv) + " and " + kFullUriEnv + " are not set");
  }
  const size_t scheme_end = full.find("://");
  const size_t path_start = scheme_end == std::string::npos
                                ? std::string::npos
                                : full.find_first_of("/?", scheme_end + 3);
  const std::string origin = full.substr(0, path_start);
  auto url = EndpointUrl::Parse(origin);
  if (!url.ok()) {
    return Status::InvalidArgument(std::string(kFullUriEnv) + ": " + url.status().message());
  }
  if (url->scheme == "http" && !IsLoopback(url->host) &&
      std::find(std::begin(kContainerHosts), std::end(kContainerHosts), url->host) ==
          std::end(kContainerHosts)) {
    return Status::InvalidArgument(std::string(kFullUriEnv) + " host '" + url->host +
                                   "' is not allowed over http: use https, a loopback address "
                                   "or 169.254.170.2 / 169.254.170.23 / fd00:ec2::23");
  }
  std::string path = path_start == std::string::npos ? "/" : full.substr(path_start);
  if (path[0] == '?') path = "/" + path;
  return Endpoint{url->ToString(), path};
}

Result<int64_t> ContainerCredentialsProvider::ParseIso8601(std::string_view text) {
  const std::string s(text);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute,
                  &second, &consumed) != 6 ||
      month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return Status::InvalidArgument("not an ISO-8601 time: '" + s + "'");
  }
  std::string_view rest = text.substr(static_cast<size_t>(consumed));
  int64_t millis = 0;
  if (!rest.empty() && rest[0] == '.') {
    size_t i = 1;
    int64_t scale = 100;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') {
      millis += (rest[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    rest.remove_prefix(i);
  }
  int64_t offset_minutes = 0;
  if (rest == "Z" || rest == "z") {
    rest = "";
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int oh = 0, om = 0;
    if (std::sscanf(std::string(rest.substr(1)).c_str(), "%2d:%2d", &oh, &om) != 2) {
      return Status::InvalidArgument("not an ISO-8601 time: '" + s + "'");
    }
    offset_minutes = (rest[0] == '-' ? -1 : 1) * (oh * 60 + om);
    rest = "";
  }
  if (!rest.empty()) return Status::InvalidArgument("not an ISO-8601 time: '" + s + "'");
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const int64_t seconds = static_cast<int64_t>(::timegm(&tm)) - offset_minutes * 60;
  return seconds * 1000 + millis;
}

Result<ContainerCredentialsProvider::Fetched> ContainerCredentialsProvider::ParseCredentials(
    std::string_view body) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) {
    return Status::Unavailable("the container credentials answer is not a JSON object");
  }
  auto text = [&](const char* key) -> std::string {
    auto it = json.find(key);
    return it != json.end() && it->is_string() ? it->get<std::string>() : "";
  };
  Fetched out;
  out.credentials.access_key_id = text("AccessKeyId");
  out.credentials.secret_access_key = text("SecretAccessKey");
  out.credentials.session_token = text("Token");
  out.credentials.source = "container";
  if (!out.credentials.complete()) {
    return Status::Unavailable(
        "the container credentials answer lacks AccessKeyId or SecretAccessKey");
  }
  const std::string expiration = text("Expiration");
  if (!expiration.empty()) {
    auto at = ParseIso8601(expiration);
    if (!at.ok()) {
      return Status::Unavailable("the container credentials answer has a bad Expiration: " +
                                 at.status().message());
    }
    out.expires_unix_ms = at.value();
  }
  return out;
}

Result<Credentials> ContainerCredentialsProvider::GetCredentials() {
  if (!endpoint_.ok()) return endpoint_.status();
  std::lock_guard lock(mu_);
  const int64_t now = clock_.NowUnixMs();
  if (NeedsRefresh(now)) StartFetchLocked();
  if (ValidAt(now)) return cached_->credentials;
  return Status::Unavailable("container credentials are being fetched from " + endpoint_->origin +
                             endpoint_->path);
}

void ContainerCredentialsProvider::GetCredentialsAsync(Callback done) {
  if (!endpoint_.ok()) {
    done(endpoint_.status());
    return;
  }
  std::optional<Credentials> now_valid;
  {
    std::lock_guard lock(mu_);
    const int64_t now = clock_.NowUnixMs();
    if (NeedsRefresh(now)) StartFetchLocked();
    if (ValidAt(now)) {
      now_valid = cached_->credentials;
    } else {
      waiters_.push_back(std::move(done));
      if (!fetching_) StartFetchLocked();  // a failed refresh does not strand waiters
    }
  }
  if (now_valid) done(std::move(*now_valid));
}

int64_t ContainerCredentialsProvider::requests_sent() const {
  std::lock_guard lock(mu_);
  return requests_sent_;
}

bool ContainerCredentialsProvider::ValidAt(int64_t now_ms) const {
  return cached_ && (!cached_->expires_unix_ms || now_ms < *cached_->expires_unix_ms);
}

bool ContainerCredentialsProvider::NeedsRefresh(int64_t now_ms) const {
  if (fetching_) return false;
  if (!cached_) return false;  // the first fetch starts when someone waits
  if (!cached_->expires_unix_ms) return false;
  if (now_ms < *cached_->expires_unix_ms - options_.refresh_before_expiry.count()) return false;
  return now_ms >= next_refresh_unix_ms_ || !ValidAt(now_ms);
}

void ContainerCredentialsProvider::StartFetchLocked() {
  fetching_ = true;
  auto fetch = std::make_shared<Fetch>();
  asio::post(io_, [this, alive = std::weak_ptr<int>(alive_), fetch] {
    if (!alive.expired()) SendAttempt(fetch);
  });
}

Result<std::string> ContainerCredentialsProvider::AuthorizationToken() const {
  std::string token;
  if (auto path = env_.Get(kTokenFileEnv); path && !path->empty()) {
    std::ifstream in(*path);
    if (!in) {
      return Status::FailedPrecondition(std::string("cannot read ") + kTokenFileEnv + " " + *path);
    }
    std::stringstream text;
    text << in.rdbuf();
    token = TrimRight(text.str());
  } else {
    token = env_.GetOrEmpty(kTokenEnv);
  }
  if (token.find_first_of("\r\n") != std::string::npos) {
    return Status::InvalidArgument("the container authorization token contains a line break");
  }
  return token;
}

void ContainerCredentialsProvider::SendAttempt(const std::shared_ptr<Fetch>& fetch) {
  ++fetch->attempt;
  auto token = AuthorizationToken();
  if (!token.ok()) {
    Complete(token.status());
    return;
  }
  HttpRequest request;
  request.method = "GET";
  request.endpoint = endpoint_->origin;
  request.path = endpoint_->path;
  request.headers.emplace_back("Accept", "application/json");
  if (!token->empty()) request.headers.emplace_back("Authorization", *token);
  request.timeout = options_.timeout;
  {
    std::lock_guard lock(mu_);
    ++requests_sent_;
  }
  transport_.Send(std::move(request),
                  [this, alive = std::weak_ptr<int>(alive_), fetch](Result<HttpResponse> answer) {
                    if (!alive.expired()) OnAnswer(fetch, std::move(answer));
                  });
}

void ContainerCredentialsProvider::OnAnswer(const std::shared_ptr<Fetch>& fetch,
                                            Result<HttpResponse> answer) {
  const std::string url = endpoint_->origin + endpoint_->path;
  Status failure;
  if (!answer.ok()) {
    failure = Status(answer.status().code(),
                     "container credentials from " + url + ": " + answer.status().message());
  } else if (answer->status == 200) {
    auto parsed = ParseCredentials(answer->body);
    if (!parsed.ok()) {
      parsed = Status(parsed.status().code(),
                      "container credentials from " + url + ": " + parsed.status().message());
    }
    Complete(std::move(parsed));
    return;
  } else {
    const int status = answer->status;
    std::string detail = DescribeErrorBody(answer->body);
    std::string text = "container credentials from " + url + ": HTTP " + std::to_string(status) +
                       (detail.empty() ? "" : ": " + detail);
    const bool transient = status == 429 || status >= 500;
    failure = transient                          ? Status::Unavailable(std::move(text))
              : (status == 401 || status == 403) ? Status::PermissionDenied(std::move(text))
                                                 : Status::FailedPrecondition(std::move(text));
  }
  if (failure.retryable() && fetch->attempt < options_.attempts) {
    fetch->delay = std::make_unique<asio::steady_timer>(io_, options_.retry_delay);
    fetch->delay->async_wait(
        [this, alive = std::weak_ptr<int>(alive_), fetch](const boost::system::error_code& ec) {
          if (!ec && !alive.expired()) SendAttempt(fetch);
        });
    return;
  }
  Complete(failure);
}

void ContainerCredentialsProvider::Complete(Result<Fetched> result) {
  std::vector<Callback> waiters;
  Result<Credentials> answer = Status::Internal("unset");
  {
    std::lock_guard lock(mu_);
    fetching_ = false;
    const int64_t now = clock_.NowUnixMs();
    if (result.ok()) {
      cached_ = std::move(result).value();
      answer = cached_->credentials;
      Logger("aws")->info("container credentials {}{}", cached_->credentials.DebugString(),
                          cached_->expires_unix_ms
                              ? ", expiring " + IsoTime(*cached_->expires_unix_ms)
                              : std::string());
    } else {
      next_refresh_unix_ms_ = now + options_.refresh_retry_interval.count();
      answer = result.status();
      Logger("aws")->warn("{}{}", result.status().message(),
                          ValidAt(now) ? "; signing with the cached credentials meanwhile" : "");
    }
    waiters.swap(waiters_);
  }
  for (auto& done : waiters) done(answer);
}

}  // namespace wharf::aws
