#include "common/aws/sigv4_signer.h"

#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <ctime>
#include <map>

#include "common/aws/endpoint_url.h"
#include "common/aws/uri_encoding.h"

namespace wharf::aws {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

// Not signed (botocore's SIGNED_HEADERS_BLACKLIST), plus the headers the
// signer itself produces.
bool IsUnsignedHeader(std::string_view lname) {
  static constexpr std::string_view kSkipped[] = {"connection",
                                                  "expect",
                                                  "keep-alive",
                                                  "proxy-authenticate",
                                                  "proxy-authorization",
                                                  "te",
                                                  "trailer",
                                                  "transfer-encoding",
                                                  "upgrade",
                                                  "user-agent",
                                                  "x-amzn-trace-id",
                                                  "authorization",
                                                  "x-amz-date",
                                                  "date",
                                                  "x-amz-security-token"};
  return std::find(std::begin(kSkipped), std::end(kSkipped), lname) != std::end(kSkipped);
}

std::string Hex(const unsigned char* data, size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = kHex[data[i] >> 4];
    out[2 * i + 1] = kHex[data[i] & 0xF];
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return Hex(digest, sizeof(digest));
}

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Trims and collapses inner whitespace runs to one space (Python's
// ' '.join(value.split())).
std::string TrimAll(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (IsSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

// RFC 3986 5.2.4 plus removal of empty segments, as botocore's
// remove_dot_segments.
std::string NormalizePath(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view segment = path.substr(start, slash - start);
    if (!segment.empty() && segment != ".") {
      if (segment == "..") {
        if (!out.empty()) out.pop_back();
      } else {
        out.push_back(segment);
      }
    }
    start = slash + 1;
  }
  std::string result = path.front() == '/' ? "/" : "";
  for (size_t i = 0; i < out.size(); ++i) {
    if (i > 0) result += '/';
    result += out[i];
  }
  if (path.back() == '/' && !out.empty()) result += '/';
  return result;
}

std::string FormatTime(int64_t unix_seconds, const char* format) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  size_t n = std::strftime(buf, sizeof(buf), format, &tm);
  return std::string(buf, n);
}

}  // namespace

Result<SigV4Signer::Signature> SigV4Signer::Sign(const HttpRequest& request,
                                                 const Credentials& credentials,
                                                 std::string_view region, std::string_view service,
                                                 int64_t unix_seconds) const {
  if (!credentials.complete()) {
    return Status::InvalidArgument("cannot sign without an access key id and a secret");
  }
  if (region.empty() || service.empty()) {
    return Status::InvalidArgument("cannot sign without a region and a service");
  }
  const bool s3 = service == "s3";
  const std::string amz_date = FormatTime(unix_seconds, "%Y%m%dT%H%M%SZ");
  const std::string date = amz_date.substr(0, 8);

  // Payload hash.
  std::string payload_hash;
  const std::string* given_hash = request.FindHeader("x-amz-content-sha256");
  if (given_hash != nullptr && !s3) {
    payload_hash = *given_hash;
  } else {
    payload_hash = Sha256Hex(request.body);
  }

  // Headers to sign: lower-case name -> values in request order.
  std::map<std::string, std::vector<std::string>> to_sign;
  for (const auto& [name, value] : request.headers) {
    std::string lname = Lower(name);
    if (IsUnsignedHeader(lname) || (s3 && lname == "x-amz-content-sha256")) continue;
    to_sign[lname].push_back(value);
  }
  if (to_sign.count("host") == 0) {
    auto url = EndpointUrl::Parse(request.endpoint);
    if (!url.ok()) return url.status();
    to_sign["host"].push_back(url->HostHeader());
  }
  Signature sig;
  sig.headers.emplace_back("X-Amz-Date", amz_date);
  to_sign["x-amz-date"].push_back(amz_date);
  if (!credentials.session_token.empty()) {
    sig.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
    to_sign["x-amz-security-token"].push_back(credentials.session_token);
  }
  if (s3) {
    sig.headers.emplace_back("X-Amz-Content-SHA256", payload_hash);
    to_sign["x-amz-content-sha256"].push_back(payload_hash);
  }

  // Canonical query: encoded pairs sorted by key, then value.
  std::vector<std::pair<std::string, std::string>> query;
  query.reserve(request.query.size());
  for (const auto& [key, value] : request.query) {
    query.emplace_back(UriEncode(key), UriEncode(value));
  }
  std::sort(query.begin(), query.end());

  std::string cr;
  for (char c : request.method)
    cr += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  cr += '\n';
  cr += s3 ? (request.path.empty() ? "/" : request.path)
           : UriEncode(NormalizePath(request.path), /*keep_slash=*/true);
  cr += '\n';
  for (size_t i = 0; i < query.size(); ++i) {
    if (i > 0) cr += '&';
    cr += query[i].first + "=" + query[i].second;
  }
  cr += '\n';
  std::string signed_headers;
  for (const auto& [name, values] : to_sign) {
    cr += name;
    cr += ':';
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) cr += ',';
      cr += TrimAll(values[i]);
    }
    cr += '\n';
    if (!signed_headers.empty()) signed_headers += ';';
    signed_headers += name;
  }
  cr += '\n';
  cr += signed_headers;
  cr += '\n';
  cr += payload_hash;

  const std::string scope =
      date + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
  std::string sts;
  sts += kAlgorithm;
  sts += '\n' + amz_date + '\n' + scope + '\n' + Sha256Hex(cr);

  const std::string key = SigningKey(credentials.secret_access_key, date, region, service);
  const std::string raw = Hmac(key, sts);
  const std::string signature = Hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());

  sig.authorization = std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" +
                      scope + ", SignedHeaders=" + signed_headers + ", Signature=" + signature;
  sig.headers.emplace_back("Authorization", sig.authorization);
  sig.canonical_request = std::move(cr);
  sig.string_to_sign = std::move(sts);
  return sig;
}

Status SigV4Signer::SignInPlace(HttpRequest& request, const Credentials& credentials,
                                std::string_view region, std::string_view service,
                                int64_t unix_seconds) const {
  WHARF_ASSIGN_OR_RETURN(Signature sig, Sign(request, credentials, region, service, unix_seconds));
  for (const char* name : {"Authorization", "X-Amz-Date", "Date", "X-Amz-Security-Token"}) {
    request.RemoveHeader(name);
  }
  if (service == "s3") request.RemoveHeader("X-Amz-Content-SHA256");
  for (auto& header : sig.headers) request.headers.push_back(std::move(header));
  return Status::Ok();
}

int64_t SigV4Signer::keys_derived() const {
  std::lock_guard lock(mu_);
  return keys_derived_;
}

std::string SigV4Signer::SigningKey(const std::string& secret, const std::string& date,
                                    std::string_view region, std::string_view service) const {
  std::lock_guard lock(mu_);
  for (const CachedKey& entry : cache_) {
    if (entry.date == date && entry.region == region && entry.service == service &&
        entry.secret == secret) {
      return entry.key;
    }
  }
  // A new day makes every cached key stale.
  if (!cache_.empty() && cache_.front().date != date) cache_.clear();
  // Bounded: a process talks to a handful of services in one or two regions.
  if (cache_.size() >= 64) cache_.erase(cache_.begin());
  std::string k = Hmac("AWS4" + secret, date);
  k = Hmac(k, region);
  k = Hmac(k, service);
  k = Hmac(k, "aws4_request");
  ++keys_derived_;
  cache_.push_back(CachedKey{date, std::string(region), std::string(service), secret, k});
  return k;
}

}  // namespace wharf::aws
